import {
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
} from '../../../../../libs/event-store/src/event-store.port';
import { matchesFilter } from '../../../../../libs/event-store/src/event-filter';
import { padU64 } from '../../../../../libs/event-store/src/position';

/**
 * The read side of the EventStore port over an array (the global log in order), counting the
 * events it hands out: for the audit reads' unit specs. Appends and subscriptions are not needed.
 */
export class ArrayEventStore implements EventStore {
  eventsRead = 0;
  reads = 0;
  private readonly heads = new Map<string, number>();

  constructor(readonly log: RecordedEvent[] = []) {
    for (const e of log) this.heads.set(e.streamId, e.revision + 1);
  }

  /** Appends events of one stream with the next revisions and positions (for building logs). */
  add(
    streamId: string,
    type: string,
    data: object,
    metadata: { actor: string; timestamp: string },
  ): RecordedEvent {
    const revision = this.heads.get(streamId) ?? 0;
    this.heads.set(streamId, revision + 1);
    const position = padU64(this.log.length + 1);
    const event: RecordedEvent = {
      streamId,
      revision,
      position,
      type,
      data,
      metadata: {
        eventId: `event-${this.log.length + 1}`,
        schemaVersion: 1,
        correlationId: 'c',
        causationId: 'c',
        actor: metadata.actor,
        timestamp: metadata.timestamp,
        prevHash: '0'.repeat(64),
        hash: (this.log.length + 1).toString(16).padStart(64, '0'),
      },
    };
    this.log.push(event);
    return event;
  }

  async readStream(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.reads++;
    const stream = this.log.filter((e) => e.streamId === streamId);
    let page: RecordedEvent[];
    if (options.direction === 'backwards') {
      const from = options.fromRevision ?? stream.length - 1;
      page = stream
        .filter((e) => e.revision <= from)
        .reverse()
        .slice(0, options.maxCount);
    } else {
      const from = options.fromRevision ?? 0;
      page = stream.filter((e) => e.revision >= from).slice(0, options.maxCount);
    }
    this.eventsRead += page.length;
    return page;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.reads++;
    const after = options.after ?? '';
    if (after !== '' && !/^\d{20}$/.test(after)) throw new TypeError(`not a position: ${after}`);
    const page = this.log
      .filter((e) => e.position > after && matchesFilter(options.filter, e.streamId, e.type))
      .slice(0, options.maxCount);
    this.eventsRead += page.length;
    return page;
  }

  async readEvent(eventId: string): Promise<RecordedEvent | undefined> {
    return this.log.find((e) => e.metadata.eventId === eventId);
  }

  append(): Promise<AppendResult> {
    throw new Error('ArrayEventStore is read-only');
  }

  subscribeToAll(): Subscription {
    throw new Error('ArrayEventStore has no subscriptions');
  }

  async close(): Promise<void> {}
}

import {
  ConversationEvent,
  ConversationState,
  evolve,
  initialState,
} from '../../../../libs/domain/src';
import { Position, RecordedEvent } from '../../../../libs/event-store/src/event-store.port';

/**
 * A conversation as it was at a moment: its stream folded with the domain's own `evolve` up to
 * that moment (members, watermarks), plus the messages sent until then. Pure: feed it the
 * stream's events in order, stop when `apply` returns false.
 *
 * The moment is a global position (every event at or before it) or a time (every event whose
 * metadata.timestamp, the time its command was accepted, is at or before it). A stream is
 * appended in order, so its events up to a moment are a prefix of it: the fold stops at the
 * first event past the moment.
 */

export type Moment = { position: Position } | { time: number };

export interface MessageAt {
  seq: number;
  messageId: string;
  sender: string;
  body: string;
  sentAt: string;
  attachments?: unknown[];
}

export interface ReceiptAt {
  userId: string;
  delivered: number;
  read: number;
}

export interface ConversationAt {
  conversationId: string;
  /** The moment asked for. */
  at: { position: Position } | { time: string };
  /** False when the conversation had not started by then. */
  started: boolean;
  kind?: 'direct' | 'group';
  title?: string;
  members: string[];
  lastSeq: number;
  /** Messages up to the moment, by seq (the last `keepLast` when limited). */
  messages: MessageAt[];
  /** How many messages were sent up to the moment (also those left out by keepLast). */
  messageCount: number;
  /** Delivered/read watermarks per user (current and former members). */
  receipts: ReceiptAt[];
  /** Events folded, and the last of them. */
  eventsApplied: number;
  lastEvent: { position: Position; revision: number; time: string } | null;
}

export class ConversationTimeTravel {
  private state: ConversationState = initialState();
  private readonly messages: MessageAt[] = [];
  private messageCount = 0;
  private applied = 0;
  private last: RecordedEvent | undefined;

  /** `keepLast`: keep only the last N messages (memory bounded by N, not by the history). */
  constructor(
    private readonly conversationId: string,
    private readonly moment: Moment,
    private readonly keepLast = Infinity,
  ) {}

  /** True when the event is within the moment and was folded; false: stop reading. */
  apply(event: RecordedEvent): boolean {
    if (this.isPastMoment(event)) return false;
    const domainEvent = { type: event.type, data: event.data } as ConversationEvent;
    this.state = evolve(this.state, domainEvent);
    if (domainEvent.type === 'MessageSent' && this.state.status === 'active') {
      const { seq, messageId, senderId, body, sentAt, attachments } = domainEvent.data;
      this.messageCount++;
      this.messages.push({
        seq,
        messageId,
        sender: senderId,
        body,
        sentAt,
        ...(attachments && attachments.length > 0 ? { attachments } : {}),
      });
      if (this.messages.length > this.keepLast) this.messages.shift();
    }
    this.applied++;
    this.last = event;
    return true;
  }

  private isPastMoment(event: RecordedEvent): boolean {
    if ('position' in this.moment) return event.position > this.moment.position;
    const time = Date.parse(event.metadata.timestamp);
    return Number.isNaN(time) || time > this.moment.time;
  }

  result(): ConversationAt {
    const at =
      'position' in this.moment
        ? { position: this.moment.position }
        : { time: new Date(this.moment.time).toISOString() };
    const lastEvent = this.last
      ? {
          position: this.last.position,
          revision: this.last.revision,
          time: this.last.metadata.timestamp,
        }
      : null;
    const active = this.state.status === 'active' ? this.state : undefined;
    return {
      conversationId: this.conversationId,
      at,
      started: active !== undefined,
      ...(active ? { kind: active.kind } : {}),
      ...(active?.title !== undefined ? { title: active.title } : {}),
      members: active ? [...active.members].sort() : [],
      lastSeq: active ? active.lastSeq : 0,
      messageCount: this.messageCount,
      messages: [...this.messages].sort((a, b) => a.seq - b.seq),
      receipts: active
        ? [...active.receipts.entries()]
            .map(([userId, w]) => ({ userId, delivered: w.delivered, read: w.read }))
            .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
        : [],
      eventsApplied: this.applied,
      lastEvent,
    };
  }
}

import { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { ProjectionUpdate } from '../../../domain/src';
import { BusSubscription } from '../update-bus.port';
import { decodeUpdate } from './update-codec';

export interface KafkaSubscriptionOptions {
  topic: string;
  /** A group of its own: this subscription is the group's only member (broadcast). */
  groupId: string;
  readyTimeoutMs: number;
  logger: Logger;
}

/**
 * One gateway's feed of the updates topic: a consumer group of its own, so it reads every
 * partition (every update). Guarantees:
 * - starts at the topic's end: the group is new, so it has no committed offsets and kafkajs
 *   starts each partition at its end (fromBeginning false). Nothing older is read (live
 *   updates are ephemeral; clients close gaps with `sync`);
 * - `ready` resolves once the group is joined, every partition assigned AND its start offset
 *   fixed (the first fetch returned), so whatever is published after it is read; it rejects if
 *   connecting or joining fails for good or takes longer than readyTimeoutMs;
 * - in partition order (so in publish order per conversation); offsets are committed as it
 *   goes, so a consumer that kafkajs restarts after an error resumes where it was
 *   (at-least-once: it may see again up to a second's worth of updates);
 * - `close()` leaves the group once the batch in hand is done, then deletes the group.
 */
export class KafkaUpdateSubscription implements BusSubscription {
  readonly ready: Promise<void>;
  private readonly consumer: Consumer;
  private closing?: Promise<void>;
  /** Settled by the first fetch, a crash kafkajs gives up on, the ready timeout, or close. */
  private readonly joined: Promise<void>;
  private joinDone!: () => void;
  private failJoin!: (err: Error) => void;

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: KafkaSubscriptionOptions,
    private readonly handler: (update: ProjectionUpdate) => void,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // An idle fetch waits this long for data (data ends it at once): bounds the wait of
      // `ready` and of `close`, at the cost of two empty fetches a second when idle.
      maxWaitTimeInMs: 500,
    });
    this.joined = new Promise<void>((resolve, reject) => {
      this.joinDone = resolve;
      this.failJoin = reject;
    });
    this.joined.catch(() => undefined);
    this.ready = this.start();
    this.ready.catch(() => undefined); // a caller that never awaits it must not crash the process
  }

  close(): Promise<void> {
    this.failJoin(new Error(`${this.options.groupId}: closed before ready`));
    this.closing ??= this.stop();
    return this.closing;
  }

  private async start(): Promise<void> {
    const { topic, groupId, readyTimeoutMs } = this.options;
    const timer = setTimeout(
      () => this.failJoin(new Error(`${groupId}: not joined within ${readyTimeoutMs} ms`)),
      readyTimeoutMs,
    );
    try {
      // kafkajs emits FETCH after a fetch returned; before sending it, it fixed the start offset
      // of every assigned partition (a new group: the partition's end). So from the first FETCH
      // on, whatever is published is read. (GROUP_JOIN alone comes before that offset lookup.)
      this.consumer.on(this.consumer.events.FETCH, () => this.joinDone());
      this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) this.failJoin(payload.error);
      });
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [topic], fromBeginning: false });
      await this.consumer.run({
        autoCommitInterval: 1000,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.eachBatch(payload),
      });
      await this.joined;
    } catch (err) {
      await this.consumer.disconnect().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.closing) break;
      const decoded = decodeUpdate(message);
      if ('skipped' in decoded)
        this.options.logger.warn(
          { offset: message.offset, reason: decoded.skipped },
          'update skipped',
        );
      else this.deliver(decoded.update);
      resolveOffset(message.offset);
    }
    await heartbeat();
  }

  private deliver(update: ProjectionUpdate): void {
    try {
      this.handler(update);
    } catch (err) {
      this.options.logger.error({ err, what: 'update-bus' }, 'subscriber threw; skipped');
    }
  }

  private async stop(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.consumer.disconnect();
    await this.admin
      .deleteGroups([this.options.groupId])
      .catch((err) => this.options.logger.debug({ err }, 'consumer group not deleted'));
  }
}

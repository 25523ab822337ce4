import {
  BACKWARDS,
  END,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Position as EsdbPosition,
} from '@eventstore/db-client';
import type { Logger } from 'pino';
import { EventFilter, Position, RecordedEvent, Subscription } from '../event-store.port';
import { isDeliverable, serverFilter, toRecordedEvent } from './esdb-mapping';
import { decodePosition, encodePosition, isReportedPosition } from './esdb-position';

/** The part of the client a subscription uses. */
export type EsdbSubscribeClient = Pick<EventStoreDBClient, 'subscribeToAll' | 'readAll'>;

export interface EsdbSubscriptionOptions {
  /** Exclusive: deliver events after this position (START: from the beginning). */
  after: Position;
  filter?: EventFilter;
  snapshotPrefix: string;
  logger: Logger;
  /** Called once close() has finished. */
  onClosed?: () => void;
}

/**
 * In-band markers. The client reports checkpoints (`checkpointReached`, awaited inside the
 * stream's transform) and the server's caught-up message (a 'caughtUp' event) out of band, at
 * the moment they arrive, while events received before them may still sit unhandled in the
 * stream's buffer. Pushing a marker into the same object stream at that moment puts it after
 * those events, so the loop sees checkpoints and "caught up" exactly in log order.
 */
class CheckpointMarker {
  constructor(readonly position: EsdbPosition) {}
}
class CaughtUpMarker {}
const CAUGHT_UP = new CaughtUpMarker();

type Item = AllStreamResolvedEvent | CheckpointMarker | CaughtUpMarker;

const MAX_RETRY_DELAY_MS = 5_000;
const backoff = (attempt: number): number => Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** attempt);

interface Deferred {
  promise: Promise<void>;
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // Observed here so that a rejection nobody awaits (a closed subscription) is not "unhandled";
  // callers awaiting the promise still see it.
  promise.catch(() => undefined);
  const d: Deferred = {
    promise,
    settled: false,
    resolve: () => {
      if (d.settled) return;
      d.settled = true;
      resolve();
    },
    reject: (err) => {
      if (d.settled) return;
      d.settled = true;
      reject(err);
    },
  };
  return d;
}

async function unsubscribeQuietly(subscription: AllStreamSubscription): Promise<void> {
  try {
    await subscription.unsubscribe();
  } catch {
    // Never connected, or already gone: nothing left to cancel.
  }
  subscription.destroy();
}

/**
 * A catch-up subscription to `$all` on the client's `subscribeToAll({ fromPosition, filter })`:
 * the server reads history from `fromPosition`, then switches to live events, filtering on its
 * side (serverFilter) and reporting checkpoints. Events are taken one at a time
 * (`for await` over the subscription's object stream), so a slow handler holds the server back
 * through the stream's buffer and gRPC flow control instead of piling events up in memory.
 *
 * - `ready`: the server's confirmation (or the first message).
 * - `caughtUp`: the server's caught-up message (servers from 23.10), or else once the
 *   subscription has passed the last position of `$all` read right after `ready`.
 * - `committed`: the consumer's commits; checkpoints and events filtered out here also move it,
 *   but only while everything delivered so far has been committed, so that a quiet filter still
 *   advances without ever jumping over an event the consumer has not processed.
 * - A dropped connection resubscribes (with backoff) after the last event seen, never after a
 *   checkpoint (some server versions reported checkpoints past unread events, KDB-744).
 */
export class EsdbCatchUpSubscription implements Subscription {
  private readonly readyState = deferred();
  private readonly caughtUpState = deferred();
  private readonly done: Promise<void>;
  private committedPosition: Position;
  /** Position of the last event seen from the server (delivered or filtered out): the resume point. */
  private cursor: Position;
  /** Highest position passed, counting checkpoints too. */
  private reached: Position;
  private lastDelivered?: Position;
  /** Last position of `$all` when the subscription became ready (fallback for caughtUp). */
  private head?: Position;
  private current?: AllStreamSubscription;
  private stopped = false;
  private wakeUp?: () => void;

  constructor(
    private readonly client: EsdbSubscribeClient,
    private readonly options: EsdbSubscriptionOptions,
    private readonly handler: (event: RecordedEvent) => Promise<void> | void,
  ) {
    decodePosition(options.after); // rejects a position this store did not make, up front
    this.committedPosition = options.after;
    this.cursor = options.after;
    this.reached = options.after;
    this.done = this.run().catch((err) => this.fail(err));
  }

  get ready(): Promise<void> {
    return this.readyState.promise;
  }

  get caughtUp(): Promise<void> {
    return this.caughtUpState.promise;
  }

  get committed(): Position {
    return this.committedPosition;
  }

  async commit(position: Position): Promise<void> {
    decodePosition(position);
    if (position > this.committedPosition) this.committedPosition = position;
  }

  async close(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.wakeUp?.();
      const current = this.current;
      if (current) await unsubscribeQuietly(current);
    }
    await this.done;
    const closed = new Error('subscription closed');
    this.readyState.reject(closed);
    this.caughtUpState.reject(closed);
    this.options.onClosed?.();
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped;) {
      let subscription: AllStreamSubscription | undefined;
      try {
        subscription = this.subscribe();
        for await (const item of subscription as AsyncIterable<Item>) {
          if (this.stopped) break;
          this.established();
          failures = 0;
          if (item instanceof CheckpointMarker) this.progress(encodePosition(item.position));
          else if (item instanceof CaughtUpMarker) this.markCaughtUp();
          else if (!(await this.onEvent(item))) break;
        }
        if (!this.stopped) throw new Error('EventStoreDB ended the subscription to $all');
      } catch (err) {
        if (this.stopped) break;
        // Never established: the port's `ready` rejects, and the subscription ends.
        if (!this.readyState.settled) throw err;
        failures++;
        this.options.logger.warn(
          { err, after: this.cursor, failures },
          'subscription to $all dropped; resubscribing after the last event seen',
        );
        await this.sleep(backoff(failures));
      } finally {
        this.current = undefined;
        if (subscription) await unsubscribeQuietly(subscription);
      }
    }
  }

  private subscribe(): AllStreamSubscription {
    const { filter, snapshotPrefix } = this.options;
    const subscription = this.client.subscribeToAll({
      fromPosition: decodePosition(this.cursor),
      filter: serverFilter(
        filter,
        (source, position) => void source.push(new CheckpointMarker(position)),
        snapshotPrefix,
      ),
    });
    this.current = subscription;
    subscription.on('confirmation', () => this.established());
    subscription.on('caughtUp', () => void subscription.push(CAUGHT_UP));
    return subscription;
  }

  /** False when the subscription was closed before the event could be delivered. */
  private async onEvent(resolved: AllStreamResolvedEvent): Promise<boolean> {
    const { event } = resolved;
    if (!event) return true; // an unresolved link; links are not resolved here
    if (!isReportedPosition(event.position)) {
      throw new Error(`$all event ${event.streamId}@${event.revision} came without a position`);
    }
    const position = encodePosition(event.position);
    // At or before the start (exclusive), or seen before a resubscription.
    if (position <= this.cursor) return true;
    if (!isDeliverable(event, this.options.filter, this.options.snapshotPrefix)) {
      this.cursor = position;
      this.progress(position);
      return true;
    }
    if (!(await this.deliver(toRecordedEvent(event)))) return false;
    this.lastDelivered = position;
    this.cursor = position;
    this.progress(position);
    return true;
  }

  /** Awaits the handler; a failing handler is retried on the same event (with backoff). */
  private async deliver(event: RecordedEvent): Promise<boolean> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.handler(event);
        return true;
      } catch (err) {
        this.options.logger.error(
          { err, position: event.position, attempt },
          'subscription handler failed; retrying',
        );
        await this.sleep(backoff(attempt));
      }
    }
    return false;
  }

  /** Everything up to `position` has been passed (delivered, filtered out, or checkpointed). */
  private progress(position: Position): void {
    if (position > this.reached) this.reached = position;
    const allCommitted =
      this.lastDelivered === undefined || this.committedPosition >= this.lastDelivered;
    if (allCommitted && position > this.committedPosition) this.committedPosition = position;
    this.checkHead();
  }

  private established(): void {
    if (this.readyState.settled) return;
    this.readyState.resolve();
    void this.readHead();
  }

  /** The fallback for servers that send no caught-up message: the last position at `ready`. */
  private async readHead(): Promise<void> {
    try {
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
      })) {
        if (resolved.event && isReportedPosition(resolved.event.position)) {
          this.head = encodePosition(resolved.event.position);
        }
      }
      this.head ??= this.options.after; // an empty log: nothing to catch up on
      this.checkHead();
    } catch (err) {
      this.options.logger.debug({ err }, 'could not read the head of $all; waiting for caughtUp');
    }
  }

  private checkHead(): void {
    if (this.head !== undefined && this.reached >= this.head) this.markCaughtUp();
  }

  private markCaughtUp(): void {
    this.established();
    this.caughtUpState.resolve();
  }

  private fail(err: unknown): void {
    this.stopped = true;
    this.options.logger.error({ err }, 'subscription to $all could not be established');
    this.readyState.reject(err);
    this.caughtUpState.reject(err);
  }

  /** Waits `ms`, or less if the subscription is closed meanwhile. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeUp = wake;
    });
  }
}

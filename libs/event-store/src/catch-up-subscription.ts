import type { Logger } from 'pino';
import { Position, RecordedEvent, Subscription } from './event-store.port';

/**
 * A wake-up for one waiter that is never lost: a notify() while nobody waits makes the next
 * wait() return at once.
 */
export class WakeUp {
  private notified = false;
  private waiter?: () => void;

  notify(): void {
    if (this.waiter) this.waiter();
    else this.notified = true;
  }

  /** Resolves on the next notify() or after `timeoutMs`, whichever comes first. */
  wait(timeoutMs: number): Promise<void> {
    if (this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiter = wake;
    });
  }
}

export interface CatchUpOptions {
  after: Position;
  /**
   * Reads the next page of matching committed events after `after`, in position order, and the
   * position the read got to (past non-matching events too, so a filtered cursor moves on).
   */
  readPage(after: Position, maxCount: number): Promise<CatchUpPage>;
  /** Notified when new events became durable in this process; owned by this subscription. */
  signal: WakeUp;
  /** Polling covers writers in other processes, which cannot notify `signal`. */
  pollIntervalMs: number;
  pageSize?: number;
  logger: Logger;
}

export interface CatchUpPage {
  events: RecordedEvent[];
  /** The last position examined (≥ the last event's); `after` when nothing was there. */
  scannedTo: Position;
  /** False when the read stopped at maxCount with more to come. */
  exhausted: boolean;
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Catch-up subscription as one loop over a position cursor: read the next page after the
 * cursor, deliver it event by event (awaiting the handler), and when a page comes back short
 * (everything stored has been delivered) wait for a notification or the poll interval. Live and
 * historical events travel the same path, so the switch can neither skip nor repeat an event.
 * A failing handler is retried (with backoff) on the same event: skipping it would leave a gap.
 */
export function startCatchUp(
  options: CatchUpOptions,
  handler: (e: RecordedEvent) => Promise<void> | void,
): Subscription {
  const pageSize = options.pageSize ?? 500;
  const { signal } = options;
  let stopped = false;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  // Interrupted by close(); append notifications only make it check again.
  const sleep = async (ms: number) => {
    const until = Date.now() + ms;
    while (!stopped && Date.now() < until) await signal.wait(until - Date.now());
  };

  const deliver = async (event: RecordedEvent): Promise<boolean> => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await handler(event);
        return true;
      } catch (err) {
        options.logger.error(
          { err, position: event.position, attempt },
          'subscription handler failed; retrying',
        );
        await sleep(Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** attempt));
      }
    }
    return false;
  };

  const run = async () => {
    let cursor = options.after;
    while (!stopped) {
      const page = await options.readPage(cursor, pageSize);
      for (const event of page.events) {
        if (!(await deliver(event))) return;
        cursor = event.position;
      }
      if (!stopped) cursor = page.scannedTo;
      if (page.exhausted) {
        markCaughtUp();
        if (!stopped) await signal.wait(options.pollIntervalMs);
      }
    }
  };

  const done = run().catch((err) =>
    options.logger.error({ err }, 'subscription stopped by a read error'),
  );
  let committed = options.after;
  return {
    ready: Promise.resolve(),
    caughtUp,
    get committed() {
      return committed;
    },
    // The consumer keeps its own checkpoint (with its writes) and resumes with `after`.
    async commit(position: Position) {
      if (position > committed) committed = position;
    },
    async close() {
      stopped = true;
      signal.notify();
      await done;
    },
  };
}

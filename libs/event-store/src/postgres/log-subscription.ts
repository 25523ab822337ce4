import type { Logger } from 'pino';
import { WakeUp } from '../catch-up-subscription';
import { RecordedEvent, Subscription } from '../event-store.port';
import { maxPosition, Position } from '../position';
import { LogPage } from './event-queries';

export interface LogSubscriptionOptions {
  /** Exclusive start. */
  after: Position;
  /** Reads the next page after a position (committed events only, in log order). */
  readPage(after: Position, maxCount: number): Promise<LogPage>;
  /** Resolves once wake-ups are being listened for; the subscription is ready then. */
  listening: Promise<void>;
  /** Woken when new events may be stored (notifications, reconnections) and on close. */
  signal: WakeUp;
  /** Longest wait between reads without a wake-up (safety net for a lost notification). */
  safetyPollMs: number;
  pageSize: number;
  logger: Logger;
  onClosed(): void;
}

const MAX_BACKOFF_MS = 5_000;
const backoff = (attempt: number) => Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt);

/**
 * One loop over a cursor: read the page after it, deliver each event (awaiting the handler),
 * and when a page comes back short (everything visible has been delivered) wait for a wake-up
 * or the safety poll. Catch-up and live events travel the same path, so the switch can neither
 * skip nor repeat an event. A failing handler is retried on the same event (backoff); a failing
 * read (connection lost) is retried too, from the same cursor: the subscription outlives
 * connection losses and only stops on close().
 */
export function startLogSubscription(
  options: LogSubscriptionOptions,
  handler: (event: RecordedEvent) => Promise<void> | void,
): Subscription {
  const { signal, logger } = options;
  let stopped = false;
  let committed = options.after;
  let markReady!: () => void;
  let failReady!: (err: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  let markCaughtUp!: () => void;
  let failCaughtUp!: (err: unknown) => void;
  const caughtUp = new Promise<void>((resolve, reject) => {
    markCaughtUp = resolve;
    failCaughtUp = reject;
  });
  // Rejections are the caller's to observe; never let them become unhandled.
  ready.catch(() => undefined);
  caughtUp.catch(() => undefined);

  /** Waits `ms`, cut short by a wake-up or close(). */
  const pause = (ms: number) => (stopped ? Promise.resolve() : signal.wait(ms));

  const deliver = async (event: RecordedEvent): Promise<boolean> => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await handler(event);
        return true;
      } catch (err) {
        logger.error(
          { err, position: event.position, attempt },
          'subscription handler failed; retrying',
        );
        const until = Date.now() + backoff(attempt);
        while (!stopped && Date.now() < until) await pause(until - Date.now());
      }
    }
    return false;
  };

  const run = async () => {
    try {
      await options.listening;
    } catch (err) {
      failReady(err);
      failCaughtUp(err);
      return;
    }
    markReady();
    let cursor = options.after;
    let failures = 0;
    while (!stopped) {
      let page: LogPage;
      try {
        page = await options.readPage(cursor, options.pageSize);
        failures = 0;
      } catch (err) {
        if (stopped) return;
        logger.warn({ err, attempt: failures }, 'subscription read failed; retrying');
        await pause(backoff(failures++));
        continue;
      }
      for (const event of page.events) {
        if (!(await deliver(event))) return;
        cursor = event.position;
      }
      if (page.events.length < options.pageSize) {
        cursor = maxPosition(cursor, page.scannedTo);
        markCaughtUp();
        await pause(options.safetyPollMs);
      }
    }
  };

  const done = run().catch((err) => logger.error({ err }, 'subscription stopped unexpectedly'));
  return {
    ready,
    caughtUp,
    get committed() {
      return committed;
    },
    async commit(position: Position) {
      committed = maxPosition(committed, position);
    },
    async close() {
      if (!stopped) {
        stopped = true;
        signal.notify();
      }
      await done;
      options.onClosed();
    },
  };
}

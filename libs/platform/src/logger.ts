import pino, { Logger } from 'pino';

/** A quiet process's buffered lines are written at least this often. */
const FLUSH_INTERVAL_MS = 1_000;

/**
 * Structured JSON logs. pino writes asynchronously in batches of 4 KiB (no per-message sync
 * I/O); hot paths log at debug, so info-level throughput is unaffected. A timer flushes the
 * buffer every second, so a quiet process (a projector that has nothing to project) still shows
 * its lines promptly instead of holding them until 4 KiB have gathered.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'chat'): Logger {
  const destination = pino.destination({ sync: false, minLength: 4096 });
  const flush = () => {
    try {
      destination.flush();
    } catch {
      // not open yet, or already closed at exit: the next tick (or the final flush) writes it
    }
  };
  setInterval(flush, FLUSH_INTERVAL_MS).unref();
  return pino({ name, level, base: { pid: process.pid } }, destination);
}

export type { Logger };

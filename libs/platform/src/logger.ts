import pino, { Logger } from 'pino';

/**
 * Structured JSON logs. pino writes asynchronously in batches (no per-message sync I/O);
 * hot paths log at debug, so info-level throughput is unaffected.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'chat'): Logger {
  return pino(
    { name, level, base: { pid: process.pid } },
    pino.destination({ sync: false, minLength: 4096 }),
  );
}

export type { Logger };

import { AppError } from '../../platform/src/app-error';

export type StoreUnavailableCode = 'insufficient_storage' | 'store_unavailable';

/** errno names and numbers (Linux) of a file system that is out of space or of quota. */
const OUT_OF_SPACE = new Set<unknown>(['ENOSPC', 'EDQUOT', 28, 122]);

const CLIENT_MESSAGE: Record<StoreUnavailableCode, string> = {
  insufficient_storage: "The server's storage is full: nothing was stored; retry later",
  store_unavailable: 'The server cannot store anything right now: nothing was stored; retry later',
};

/**
 * The event store refuses appends for now: its disk is (nearly) full (`insufficient_storage`,
 * HTTP 507), or a commit failed, or it is closed (`store_unavailable`, 503). Nothing of the
 * refused append was stored (see LmdbEventStore for the one exception, an append whose log
 * commit landed but not its index), so retrying later is safe, and idempotent for sends.
 * An AppError, so HTTP answers and WebSocket `error` frames carry the code as they are; the
 * client sees a fixed message, operators the `reason` (readiness, logs).
 */
export class StoreUnavailableError extends AppError {
  constructor(
    code: StoreUnavailableCode,
    /** For operators: why appends are refused (named by GET /health/ready). */
    readonly reason: string,
    override readonly cause?: unknown,
  ) {
    super(code, CLIENT_MESSAGE[code], code === 'insufficient_storage' ? 507 : 503);
    this.name = 'StoreUnavailableError';
  }

  /**
   * Classifies what a failed write reported (a Node fs error, an lmdb-js commit error) by its
   * errno; `outOfSpace` for a cause without one when the disk is seen to be full.
   */
  static fromWriteError(err: unknown, what: string, outOfSpace = false): StoreUnavailableError {
    const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
    const reported = typeof message === 'string' ? message : String(err);
    const seenFull = code === undefined && outOfSpace;
    const full = OUT_OF_SPACE.has(code) || seenFull;
    const detail = `${what}: ${reported}${seenFull ? ' (and the file system is full)' : ''}`;
    return new StoreUnavailableError(
      full ? 'insufficient_storage' : 'store_unavailable',
      detail,
      err,
    );
  }
}

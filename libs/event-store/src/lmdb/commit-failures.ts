/**
 * What lmdb-js 3.5 does when an asynchronous commit fails (found by failing commits for real:
 * ENOSPC on a full tmpfs, EFBIG under a file-size limit):
 * - every write promise of the transaction rejects with `Error('Commit failed (see commitError
 *   for details)')`, whose `commitError` is a promise rejected with the cause (a message and a
 *   numeric errno `code`, e.g. 28 for ENOSPC), except when the failure is noticed by a write
 *   issued meanwhile: then that promise never settles (and the cause is only on stderr);
 * - the transaction is aborted as a whole and the environment stays usable: the next
 *   transaction starts from the last committed state, and writes queued behind the failed one
 *   are committed as usual (they are not failed with it);
 * - lmdb-js also rejects a promise of its own that nobody holds (the batch's commit promise),
 *   so under Node's default (`--unhandled-rejections=throw`) the process would die of it.
 */
interface LmdbCommitFailure extends Error {
  commitError: Promise<unknown>;
}

const isCommitFailure = (err: unknown): err is LmdbCommitFailure =>
  typeof err === 'object' &&
  err !== null &&
  typeof (err as { message?: unknown }).message === 'string' &&
  (err as Error).message.startsWith('Commit failed') &&
  typeof (err as { commitError?: { then?: unknown } }).commitError?.then === 'function';

/**
 * The cause of a failed commit (lmdb-js's `commitError`), or `err` itself when there is none,
 * or when it is not known within `waitMs`: lmdb-js may reject the commit's writes before it
 * creates the `commitError` it later rejects, and then never rejects the one they carry.
 */
export async function commitCause(err: unknown, waitMs = 100): Promise<unknown> {
  if (!isCommitFailure(err)) return err;
  let timer: NodeJS.Timeout | undefined;
  const unknown = new Promise<unknown>((resolve) => {
    timer = setTimeout(() => resolve(err), waitMs);
  });
  try {
    return await Promise.race([err.commitError.then(() => err), unknown]);
  } catch (cause) {
    return cause;
  } finally {
    clearTimeout(timer);
  }
}

const INSTALLED = Symbol.for('eventchat.lmdbOrphanCommitRejections');

/**
 * Keeps lmdb-js's orphaned commit rejection (above) from ending the process: the appends of
 * that transaction report the failure themselves. Any other unhandled rejection still ends the
 * process as Node's default would, unless another listener is there to decide. Once per process.
 */
export function ignoreOrphanCommitRejections(): void {
  const flags = process as unknown as Record<symbol, boolean>;
  if (flags[INSTALLED]) return;
  flags[INSTALLED] = true;
  process.on('unhandledRejection', (reason) => {
    if (isCommitFailure(reason)) {
      reason.commitError.catch(() => undefined);
      return;
    }
    if (process.listenerCount('unhandledRejection') > 1) return;
    throw reason;
  });
}

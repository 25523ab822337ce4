import { statfsSync, statSync } from 'node:fs';
import { open, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes an unprivileged writer may still use on the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const { bavail, bsize } = await statfs(dir);
  return bavail * bsize;
}

export function freeBytesSync(dir: string): number {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
}

const PROBE_FILE = 'write-probe';
const PAGE = Buffer.alloc(4096, 0x2a);

/**
 * A small durable write next to the log, as far out as the log file's end (a sparse file: one
 * page of real space), so that whatever makes the log's next page unwritable fails it too: a
 * full or read-only file system, an I/O error, a file-size limit. Plain file I/O, not lmdb-js:
 * a failed lmdb-js commit is not harmless (see commit-failures.ts and docs/architecture.md).
 * Rejects with the write's error; leaves no file behind.
 */
export async function probeWrite(dir: string, logFile = 'data.mdb'): Promise<void> {
  const path = join(dir, PROBE_FILE);
  let offset = 0;
  try {
    offset = statSync(join(dir, logFile)).size;
  } catch {
    // no log file yet: probe at the start
  }
  const file = await open(path, 'w');
  try {
    await file.write(PAGE, 0, PAGE.length, offset);
    await file.datasync();
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
}

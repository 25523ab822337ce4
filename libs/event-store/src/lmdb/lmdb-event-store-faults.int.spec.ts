import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { NewEvent } from '../event-store.port';
import { GENESIS_HASH, sealEvents, verifyChain } from '../hash-chain';
import { decodeLmdbPosition } from './stored-event';
import { readWholeStream } from '../read-pages';
import { StoreUnavailableError } from '../store-unavailable.error';
import { LmdbEventStore } from './lmdb-event-store';

/**
 * Real faults under a real LmdbEventStore: the log on a small tmpfs that is filled to its last
 * byte. Needs root (mount); skipped otherwise. The index lives on another file system (a bind
 * mount): on a full disk its memory-mapped writes would end the process with SIGBUS, which is
 * what the store's free-space reserve prevents in production (turned off here, to reach the
 * failed commit itself).
 *
 * The failing commits here write many pages at once: lmdb-js 3.5.6 formats the error of a
 * failed page write into a 100-byte heap buffer that a single-page write's message overflows
 * (see docs/architecture.md, ADR-21), which can abort the process whatever the store does.
 */
const logger = pino({ level: 'silent' });

function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const mountable = canMount();
if (!mountable) console.log('SKIPPED: LmdbEventStore fault tests — need root to mount a tmpfs');
const describeFaults = mountable ? describe : describe.skip;

/** Events of ~3 KB each (one overflow page apiece): a commit of several writes many pages. */
function bigEvents(streamId: string, count: number, head?: { revision: number; hash: string }) {
  const timestamp = new Date().toISOString();
  return sealEvents(
    streamId,
    head ? head.revision + 1 : 0,
    head?.hash ?? GENESIS_HASH,
    Array.from({ length: count }, (_, i) => ({
      type: 'Noted',
      data: { n: i, text: 'x'.repeat(3_000) },
      metadata: {
        eventId: randomUUID(),
        schemaVersion: 1,
        correlationId: randomUUID(),
        causationId: randomUUID(),
        actor: 'fault-test',
        timestamp,
      },
    })),
  );
}

const headOf = (events: NewEvent[], firstRevision: number) => ({
  revision: firstRevision + events.length - 1,
  hash: events[events.length - 1].metadata.hash,
});

/** Writes zeros into `path` until the file system refuses (ENOSPC). */
function fillUp(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 1 << 16, 4096, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}

async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeFaults('LmdbEventStore on a file system that fills up (real ENOSPC)', () => {
  let root: string;
  let logFs: string;
  let dir: string;
  let store: LmdbEventStore;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'event-store-faults-'));
    logFs = join(root, 'log-fs');
    dir = join(logFs, 'events');
    mkdirSync(logFs);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', logFs]);
    mkdirSync(join(dir, 'index'), { recursive: true });
    mkdirSync(join(root, 'index'));
    execFileSync('mount', ['--bind', join(root, 'index'), join(dir, 'index')]);
  });

  afterEach(async () => {
    await store?.close();
    for (const mountPoint of [join(dir, 'index'), logFs]) {
      try {
        execFileSync('umount', [mountPoint]);
      } catch (err) {
        console.error(`umount ${mountPoint}: ${(err as Error).message}`);
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  const open = (minFreeBytes = 0) =>
    LmdbEventStore.open(dir, { logger, minFreeBytes, probeIntervalMs: 50 });

  it('refuses appends after a failed commit, lands nothing reserved after it, and recovers by itself', async () => {
    store = open();
    const before = bigEvents('s-1', 10);
    await store.append('s-1', before, 'no_stream');
    const otherBefore = bigEvents('s-2', 2);
    await store.append('s-2', otherBefore, 'no_stream');
    fillUp(join(logFs, 'filler'));

    // A: a commit that cannot be written. B: pipelined on A's revision, issued in a later turn
    // (a later transaction, or refused at once if A already failed). C: another stream.
    const a = bigEvents('s-1', 20, headOf(before, 0));
    const appendA = store.append('s-1', a, 9);
    await new Promise((resolve) => setImmediate(resolve));
    const appendB = store.append('s-1', bigEvents('s-1', 1, headOf(a, 10)), 29);
    const appendC = store.append('s-2', bigEvents('s-2', 1, headOf(otherBefore, 0)), 1);
    const outcomes = await Promise.allSettled([appendA, appendB, appendC]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const err = (outcome as PromiseRejectedResult).reason as StoreUnavailableError;
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect([err.code, err.status]).toEqual(['insufficient_storage', 507]);
    }

    // Refused at once while failing; reads and idempotent retries of stored appends still work.
    expect(store.availability()).toMatchObject({ code: 'insufficient_storage' });
    await expect(store.append('s-2', bigEvents('s-2', 1), 'any')).rejects.toMatchObject({
      code: 'insufficient_storage',
    });
    await expect(store.append('s-1', before, 'no_stream')).resolves.toMatchObject({
      nextExpectedRevision: 9,
    });
    expect((await readWholeStream(store, 's-1')).map((e) => e.revision)).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    // Nothing of A, B or C is on disk: the log ends where it ended before.
    const last = await store.readAll({ maxCount: 100 });
    expect(last.map((e) => decodeLmdbPosition(e.position))).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );

    unlinkSync(join(logFs, 'filler'));
    await eventually(() => store.availability() === undefined);

    // The heads and position counter were rebuilt from disk: the next append goes right
    // after the last stored event, on the stored head, with no gap in the log.
    const after = bigEvents('s-1', 2, headOf(before, 0));
    await expect(store.append('s-1', after, 9)).resolves.toMatchObject({
      nextExpectedRevision: 11,
    });
    const stream = await readWholeStream(store, 's-1');
    expect(verifyChain(stream)).toEqual({ ok: true });
    expect(stream.map((e) => decodeLmdbPosition(e.position))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14,
    ]);
    // A retry of the failed A is a new append now, and lands after it.
    await expect(store.append('s-1', a, 9)).rejects.toThrow(/expected revision 9/);
  });

  it('refuses appends below the free-space reserve, before any commit fails, until space returns', async () => {
    store = open(2 * 1024 * 1024);
    await store.append('s-1', bigEvents('s-1', 1), 'no_stream');
    fillUp(join(logFs, 'filler'));
    await eventually(() => store.availability() !== undefined);
    expect(store.availability()).toMatchObject({
      code: 'insufficient_storage',
      reason: expect.stringMatching(/below the reserve of 2.0 MiB/),
    });
    await expect(store.append('s-2', bigEvents('s-2', 1), 'no_stream')).rejects.toMatchObject({
      code: 'insufficient_storage',
      status: 507,
    });
    unlinkSync(join(logFs, 'filler'));
    await eventually(() => store.availability() === undefined);
    await expect(store.append('s-2', bigEvents('s-2', 1), 'no_stream')).resolves.toBeDefined();
  });
});

describe('LmdbEventStore availability', () => {
  it('reports a closed store as unavailable and refuses its appends with 503', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-store-closed-'));
    const store = LmdbEventStore.open(dir, { logger });
    expect(store.availability()).toBeUndefined();
    await store.close();
    expect(store.availability()).toMatchObject({ code: 'store_unavailable', status: 503 });
    await expect(store.append('s', bigEvents('s', 1), 'no_stream')).rejects.toMatchObject({
      code: 'store_unavailable',
    });
    rmSync(dir, { recursive: true, force: true });
  });
});

import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { open } from 'lmdb';
import pino from 'pino';
import { DuplicateEventIdError } from '../duplicate-event-id.error';
import { EventStore } from '../event-store.port';
import { canonicalForm, verifyChain } from '../hash-chain';
import { describeEventStoreConcurrencyContract } from '../testing/event-store-concurrency.contract';
import { describeEventStoreContract, newEvents, sealFor } from '../testing/event-store.contract';
import { describeSnapshotStoreContract } from '../testing/snapshot-store.contract';
import { padU64 } from '../position';
import { readWholeStream } from '../read-pages';
import { LmdbEventStore } from './lmdb-event-store';

const logger = pino({ level: 'warn' });
const tempDir = () => mkdtempSync(join(tmpdir(), 'event-store-'));

describeEventStoreContract('LmdbEventStore', async () => {
  const dir = tempDir();
  let store: EventStore = LmdbEventStore.open(dir, { logger });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = LmdbEventStore.open(dir, { logger });
      return store;
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// One writer per data dir (its in-memory heads decide every race): the writers share one
// instance, and lose races to appends reserved but not readable yet (the contract retries them).
describeEventStoreConcurrencyContract(
  'LmdbEventStore, one instance shared by every writer',
  async (count) => {
    const dir = tempDir();
    const store = LmdbEventStore.open(dir, { logger });
    return {
      stores: Array.from({ length: count }, () => store),
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
);

describeSnapshotStoreContract('LmdbEventStore#snapshots', async () => {
  const dir = tempDir();
  const store = LmdbEventStore.open(dir, { logger });
  return {
    store: store.snapshots,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('LmdbEventStore specifics', () => {
  let dir: string;
  let store: LmdbEventStore;
  beforeEach(() => {
    dir = tempDir();
    store = LmdbEventStore.open(dir, { logger, pollIntervalMs: 20 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts appends pipelined on a revision that is not durable yet, in order', async () => {
    const a = sealFor('s', 2);
    const b = sealFor('s', 1, { revision: 1, hash: a[1].metadata.hash });
    const results = await Promise.all([store.append('s', a, 'no_stream'), store.append('s', b, 1)]);
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 2]);
    const read = await readWholeStream(store, 's');
    expect(read.map((e) => e.metadata.eventId)).toEqual(
      [...a, ...b].map((e) => e.metadata.eventId),
    );
    expect(verifyChain(read)).toEqual({ ok: true });
  });

  it('assigns dense global positions from 1', async () => {
    await Promise.all([
      store.append('a', newEvents(2), 'any'),
      store.append('b', newEvents(3), 'any'),
    ]);
    expect((await store.readAll({ maxCount: 100_000 })).map((e) => e.position)).toEqual(
      [1, 2, 3, 4, 5].map(padU64),
    );
  });

  it('an idempotent retry issued before the original is durable resolves with the same result', async () => {
    const events = newEvents(2);
    const [original, retry] = await Promise.all([
      store.append('s', events, 'no_stream'),
      store.append('s', events, 'no_stream'),
    ]);
    expect(retry).toEqual(original);
    expect(await readWholeStream(store, 's')).toHaveLength(2);
  });

  it('rejects an event id already stored in another stream, or repeated within a batch', async () => {
    const events = newEvents(1);
    await store.append('a', events, 'no_stream');
    await expect(store.append('b', events, 'no_stream')).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    const twice = newEvents(1);
    await expect(store.append('c', [...twice, ...twice], 'any')).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(await store.readAll({ maxCount: 100_000 })).toHaveLength(1);
  });

  it('rejects ids too long for an LMDB key before reserving anything', async () => {
    await expect(store.append('x'.repeat(600), newEvents(1), 'any')).rejects.toBeInstanceOf(
      RangeError,
    );
    expect(await store.append('s', newEvents(1), 'no_stream')).toEqual({
      nextExpectedRevision: 0,
      position: padU64(1),
    });
  });

  it('after reopening (ids only on disk), a retry is idempotent and an old id elsewhere is refused', async () => {
    const [first, second] = [newEvents(2), newEvents(1)];
    const original = await store.append('s', first, 'no_stream');
    await store.append('s', second, 1);
    await store.close();
    store = LmdbEventStore.open(dir, { logger });
    expect(await store.append('s', first, 'no_stream')).toEqual(original);
    // An old id appended on the current head, first or later in the batch, is no retry.
    await expect(store.append('s', [first[0]], 2)).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(store.append('s', [...newEvents(1), second[0]], 2)).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    await expect(store.append('t', first, 'no_stream')).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(await store.readAll({ maxCount: 100_000 })).toHaveLength(3);
    expect(await store.append('s', newEvents(1), 2)).toEqual({
      nextExpectedRevision: 3,
      position: padU64(4),
    });
  });

  it('announces durability once per commit, when its appends are readable', async () => {
    const seen: Promise<unknown[]>[] = [];
    store.onDurable(() => seen.push(store.readAll({ maxCount: 100_000 }))); // reads synchronously, at the call
    const streams = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await Promise.all(streams.map((s) => store.append(s, newEvents(1), 'no_stream')));
    expect(seen).toHaveLength(1);
    expect(await seen[0]).toHaveLength(20);
  });

  it('stores each event as its hash followed by the exact canonical text it hashes', async () => {
    await store.append('s', sealFor('s', 2), 'no_stream');
    const [event] = await store.readStream('s', { fromRevision: 1, maxCount: 1 });
    const root = open({ path: dir, readOnly: true });
    const stored = root.openDB<string, number>({ name: 'events', encoding: 'string' }).get(2)!;
    await root.close();
    const canonical = canonicalForm('s', 1, event);
    expect(stored).toBe(event.metadata.hash + canonical);
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(event.metadata.hash);
  });

  it('continues streams, positions and hash chains after reopening', async () => {
    const first = sealFor('s', 2);
    await store.append('s', first, 'no_stream');
    await store.close();
    store = LmdbEventStore.open(dir, { logger });
    await expect(store.append('s', newEvents(1), 0)).rejects.toMatchObject({ actual: 1 });
    const next = sealFor('s', 1, { revision: 1, hash: first[1].metadata.hash });
    expect(await store.append('s', next, 1)).toEqual({
      nextExpectedRevision: 2,
      position: padU64(3),
    });
    expect(verifyChain(await readWholeStream(store, 's'))).toEqual({ ok: true });
  });

  it('a read-only instance on the same data dir sees new events by polling', async () => {
    await store.append('s', newEvents(1), 'no_stream');
    const reader = LmdbEventStore.open(dir, { logger, readOnly: true, pollIntervalMs: 20 });
    const seen: string[] = [];
    const subscription = reader.subscribeToAll({}, (e) => void seen.push(e.position));
    await subscription.caughtUp;
    await store.append('s', newEvents(2), 0);
    await waitFor(() => seen.length === 3);
    expect(seen).toEqual([1, 2, 3].map(padU64));
    await expect(reader.append('s', newEvents(1), 'any')).rejects.toThrow(/read-only/);
    await reader.close();
  });
});

describe('LmdbEventStore crash safety', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let script: string;

  beforeAll(() => {
    dir = tempDir();
    // The child runs the adapter's TypeScript bundled by esbuild into one file: it depends only
    // on this library's sources, not on the whole monorepo building cleanly or on a fresh dist/.
    // lmdb (native), pino and safe-stable-stringify stay external and load from node_modules.
    script = join(dir, 'crash-writer.js');
    buildSync({
      entryPoints: [join(__dirname, '../testing/crash-writer.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outfile: script,
      logLevel: 'error',
    });
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('every append acknowledged before kill -9 is on disk, at its revision, with a valid chain', async () => {
    const dataDir = join(dir, 'data');
    const acked = await runAndKill(dataDir, script, 500, (c) => (child = c));
    expect(acked.length).toBeGreaterThanOrEqual(500);

    const store = LmdbEventStore.open(dataDir, { logger });
    try {
      const streams = new Map<string, string[]>();
      for (const { streamId } of acked) streams.set(streamId, []);
      for (const streamId of streams.keys()) {
        const read = await readWholeStream(store, streamId);
        expect(verifyChain(read)).toEqual({ ok: true });
        streams.set(
          streamId,
          read.map((e) => e.metadata.eventId),
        );
      }
      const missing = acked.filter((a) => streams.get(a.streamId)![a.revision] !== a.eventId);
      expect(missing).toEqual([]);
      const positions = (await store.readAll({ maxCount: 100_000 })).map((e) => e.position);
      expect(positions).toEqual(positions.map((_, i) => padU64(i + 1)));
    } finally {
      await store.close();
    }
  });
});

interface Ack {
  eventId: string;
  streamId: string;
  revision: number;
}

/** Spawns the writer, collects its acknowledgements and SIGKILLs it after `minAcks`. */
function runAndKill(
  dataDir: string,
  script: string,
  minAcks: number,
  started: (c: ChildProcess) => void,
): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    // The bundle lives in a temp dir, so point module resolution at the repo's node_modules.
    const env = { ...process.env, NODE_PATH: join(__dirname, '../../../../node_modules') };
    const child = spawn(process.execPath, [script, dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    });
    started(child);
    const acked: Ack[] = [];
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [eventId, streamId, revision] = line.split(' ');
        acked.push({ eventId, streamId, revision: Number(revision) });
      }
      if (acked.length >= minAcks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve(acked)
        : reject(new Error(`writer exited early: code ${code}, signal ${signal}`)),
    );
  });
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { Client } from 'pg';
import pino from 'pino';
import { AppendResult, RecordedEvent, WrongExpectedRevisionError } from '../event-store.port';
import { GENESIS_HASH, sealEvents, verifyChain } from '../hash-chain';
import { padU64 } from '../position';
import { readWholeStream } from '../read-pages';
import { describeEventStoreConcurrencyContract } from '../testing/event-store-concurrency.contract';
import { describeEventStoreContract, sealFor } from '../testing/event-store.contract';
import { describeSnapshotStoreContract } from '../testing/snapshot-store.contract';
import { PostgresEventStore, PostgresEventStoreOptions } from './postgres-event-store';
import { PostgresSnapshotStore } from './postgres-snapshot-store';
import { schemaNames } from './schema-names';

const DATABASE_URL = process.env.DATABASE_URL;
const logger = pino({ level: 'silent' });

if (!DATABASE_URL) {
  process.stderr.write(
    'SKIPPED: PostgreSQL contract suite — set DATABASE_URL (npm run infra:up)\n',
  );
  describe('PostgresEventStore', () =>
    it.skip('needs a PostgreSQL server (DATABASE_URL)', () => {}));
}
const describePg = DATABASE_URL ? describe : () => undefined;

/** Schemas made by this run (one per suite, so runs and suites never collide); dropped after. */
const schemas: string[] = [];
const newSchema = (label: string) => {
  const schema = `es_${label}_${process.pid}_${randomUUID().slice(0, 8)}`;
  schemas.push(schema);
  return schema;
};

const connect = (schema: string, options: PostgresEventStoreOptions = {}) =>
  PostgresEventStore.connect(DATABASE_URL, {
    schema,
    poolSize: 4,
    logger,
    applicationName: `es-test-${schema}`,
    ...options,
  });

/** Runs SQL on a connection of its own (outside any store). */
async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (!DATABASE_URL || schemas.length === 0) return;
  await withAdmin(async (admin) => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describePg('PostgresEventStore', () => {
  describe('contract', () => {
    const schema = newSchema('contract');
    describeEventStoreContract('PostgreSQL', async () => {
      let store = await connect(schema);
      return {
        store,
        reopen: async () => {
          await store.close();
          store = await connect(schema);
          return store;
        },
        cleanup: () => store.close(),
      };
    });
  });

  describe('concurrency', () => {
    const schema = newSchema('concurrency');
    describeEventStoreConcurrencyContract('PostgreSQL, separate instances', async (count) => {
      const stores = await Promise.all(Array.from({ length: count }, () => connect(schema)));
      return {
        stores,
        cleanup: async () => void (await Promise.all(stores.map((s) => s.close()))),
      };
    });
  });

  describe('snapshots', () => {
    const schema = newSchema('snapshots');
    describeSnapshotStoreContract('PostgresEventStore#snapshotStore()', async () => {
      const store = await connect(schema);
      return { store: store.snapshotStore(), cleanup: () => store.close() };
    });
    describeSnapshotStoreContract('PostgresSnapshotStore.connect (its own pool)', async () => {
      const store = await PostgresSnapshotStore.connect(DATABASE_URL!, {
        schema,
        poolSize: 4,
        logger,
        applicationName: `es-test-${schema}`,
      });
      return { store, cleanup: () => store.close() };
    });
  });

  describe('schema migration', () => {
    it('is idempotent and safe when several processes start at once', async () => {
      const schema = newSchema('migrate');
      const stores = await Promise.all(Array.from({ length: 6 }, () => connect(schema)));
      try {
        const versions = await stores[0].pool.query(
          `SELECT version FROM "${schema}".schema_version ORDER BY version`,
        );
        expect(versions.rows.map((r) => r.version)).toEqual([1]);
        const again = await connect(schema);
        await again.close();
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('fails with a message naming DATABASE_URL when the server cannot be reached', async () => {
      await expect(
        PostgresEventStore.connect('postgres://nobody:secret@127.0.0.1:1/none', {
          logger,
          connectTimeoutMs: 1_000,
        }),
      ).rejects.toThrow(/DATABASE_URL=postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
      await expect(PostgresEventStore.connect(undefined, { logger })).rejects.toThrow(
        /DATABASE_URL is not set/,
      );
    });
  });

  describe('group commit', () => {
    let store: PostgresEventStore;
    beforeAll(async () => (store = await connect(newSchema('group'))));
    afterAll(() => store.close());

    it('commits concurrent appends together, each with its own outcome', async () => {
      const before = store.appendStats;
      const streamIds = Array.from({ length: 40 }, (_, i) => `group-${i}`);
      const results = await Promise.allSettled(
        streamIds.map((streamId, i) =>
          // Every fourth append expects a revision the new stream does not have.
          store.append(streamId, sealFor(streamId, 1 + (i % 3)), i % 4 === 3 ? 5 : 'no_stream'),
        ),
      );
      const after = store.appendStats;
      expect(after.items - before.items).toBe(40);
      expect(after.batches - before.batches).toBeLessThanOrEqual(3);
      results.forEach((r, i) => {
        if (i % 4 === 3) {
          expect(r).toMatchObject({ status: 'rejected', reason: { actual: 'no_stream' } });
          expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
        } else {
          expect(r).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: i % 3 } });
        }
      });
      for (const [i, streamId] of streamIds.entries()) {
        const read = await readWholeStream(store, streamId);
        expect(read).toHaveLength(i % 4 === 3 ? 0 : 1 + (i % 3));
      }
    });

    it('appends to one stream in the same batch see each other, in call order', async () => {
      const streamId = `pipelined-${randomUUID()}`;
      const first = sealFor(streamId, 2);
      const second = sealFor(streamId, 1, { revision: 1, hash: first[1].metadata.hash });
      const third = sealFor(streamId, 1, { revision: 2, hash: second[0].metadata.hash });
      const stale = sealFor(streamId, 1, { revision: 1, hash: first[1].metadata.hash });
      const before = store.appendStats.batches;
      const outcomes = await Promise.allSettled([
        store.append(streamId, first, 'no_stream'),
        store.append(streamId, second, 1),
        store.append(streamId, stale, 1), // lost the race to `second`
        store.append(streamId, third, 2),
      ]);
      expect(store.appendStats.batches - before).toBe(1);
      const revisionOrActual = (o: PromiseSettledResult<AppendResult>) =>
        o.status === 'fulfilled' ? o.value.nextExpectedRevision : o.reason.actual;
      expect(outcomes.map(revisionOrActual)).toEqual([1, 2, 2, 3]);
      const read = await readWholeStream(store, streamId);
      expect(read.map((e) => e.metadata.eventId)).toEqual(
        [...first, ...second, ...third].map((e) => e.metadata.eventId),
      );
      expect(verifyChain(read)).toEqual({ ok: true });
    });

    it('a retry in the same batch as its original resolves with the original result', async () => {
      const streamId = `retried-${randomUUID()}`;
      const events = sealFor(streamId, 2);
      const [original, retry, elsewhere] = await Promise.allSettled([
        store.append(streamId, events, 'no_stream'),
        store.append(streamId, events, 'no_stream'),
        store.append(`${streamId}-other`, events, 'no_stream'),
      ]);
      expect(original.status).toBe('fulfilled');
      expect(retry).toEqual(original);
      expect(elsewhere).toMatchObject({
        status: 'rejected',
        reason: { name: 'DuplicateEventIdError' },
      });
      expect(await readWholeStream(store, streamId)).toHaveLength(2);
    });

    it('positions are dense and in commit order', async () => {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.append(`dense-${i % 7}`, sealFor('x', 1), 'any'),
        ),
      );
      const all = await store.readAll({ maxCount: 10_000 });
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => padU64(i + 1)));
    });

    it('rejects an append with a repeated or unstorable id before it reaches the batch', async () => {
      const [event] = sealFor('bad', 1);
      await expect(store.append('bad', [event, event], 'any')).rejects.toMatchObject({
        name: 'DuplicateEventIdError',
      });
      await expect(store.append('bad\u0000', sealFor('bad', 1), 'any')).rejects.toThrow(/NUL/);
      await expect(store.append('bad', [], 'any')).rejects.toThrow(/at least one event/);
      await expect(store.append('bad', sealFor('bad', 1), -3)).rejects.toThrow(/expected revision/);
      expect(await store.readStream('bad\u0000', { maxCount: 1 })).toEqual([]);
      expect(await store.readEvent('bad\ud800')).toBeUndefined();
    });

    it('stores any JSON a writer can produce ("\\u0000", lone surrogates, unicode)', async () => {
      const streamId = `odd-${randomUUID()}`;
      const [event] = sealEvents(streamId, 0, GENESIS_HASH, [
        {
          type: 'Odd',
          data: { nul: 'a\u0000b', lone: '\ud800', emoji: '😀', quote: '"\\' },
          metadata: {
            eventId: randomUUID(),
            schemaVersion: 1,
            correlationId: 'c',
            causationId: 'c',
            actor: 'a',
            timestamp: 't',
          },
        },
      ]);
      await store.append(streamId, [event], 'no_stream');
      const read = await readWholeStream(store, streamId);
      expect(read[0].data).toEqual(event.data);
      expect(verifyChain(read)).toEqual({ ok: true });
    });
  });

  describe('connection loss', () => {
    let schema: string;
    let store: PostgresEventStore;
    beforeEach(async () => {
      schema = newSchema('loss');
      store = await connect(schema, { safetyPollMs: 60_000 });
    });
    afterEach(() => store.close());

    const terminateStoreSessions = () =>
      withAdmin((admin) =>
        admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
          [`es-test-${schema}`],
        ),
      );

    it('an append in flight rejects (never hangs) when its connection dies', async () => {
      const [lockClass, lockObject] = schemaNames(schema).appendLock;
      await withAdmin(async (admin) => {
        // Hold the append lock, so the append waits inside the server, then kill its session.
        await admin.query('SELECT pg_advisory_lock($1, $2)', [lockClass, lockObject]);
        const pending = store.append('loss', sealFor('loss', 1), 'no_stream');
        const outcome = pending.then(
          () => 'resolved',
          (err: Error) => err.message,
        );
        await waitFor(async () => {
          const { rows } = await admin.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [`es-test-${schema}`],
          );
          return rows.length > 0;
        });
        await terminateStoreSessions();
        expect(await outcome).toMatch(/may or may not have been committed/);
        await admin.query('SELECT pg_advisory_unlock($1, $2)', [lockClass, lockObject]);
      });
      // The pool replaces dead connections (an idle one may still die under the next append,
      // killed a moment later): a writer retrying with the same events gets through.
      const events = sealFor('loss', 1);
      let result: AppendResult | undefined;
      await waitFor(async () => {
        result ??= await store.append('loss', events, 'no_stream').catch(() => undefined);
        return result !== undefined;
      });
      expect(result!.nextExpectedRevision).toBe(0);
    });

    it('a subscription whose listener cannot connect rejects ready (and the next one retries)', async () => {
      const unreachable = new PostgresEventStore(store.pool, 'postgres://x@127.0.0.1:1/none', {
        schema,
        logger,
        connectTimeoutMs: 1_000,
      });
      const subscription = unreachable.subscribeToAll({}, () => undefined);
      await expect(subscription.ready).rejects.toThrow();
      await expect(subscription.caughtUp).rejects.toThrow();
      await subscription.close();
      const again = unreachable.subscribeToAll({}, () => undefined);
      await expect(again.ready).rejects.toThrow();
      await again.close();
    });

    it('a subscription reconnects after its connections die and misses nothing', async () => {
      const received: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({}, (event) => void received.push(event));
      await subscription.caughtUp;
      await store.append('before', sealFor('before', 2), 'no_stream');
      await waitFor(() => received.length === 2);

      await terminateStoreSessions();
      // Appended while the listener is away (its notification is lost): a writer retries
      // until its own connection is back.
      let appended = false;
      await waitFor(async () => {
        appended ||= await store.append('after', sealFor('after', 3), 'any').then(
          () => true,
          () => false,
        );
        return appended;
      });
      await waitFor(() => received.length === 5, 10_000); // well before the 60 s safety poll
      await subscription.close();
      expect(received.map((e) => e.position)).toEqual([1, 2, 3, 4, 5].map(padU64));
    });
  });

  describe('two processes', () => {
    let dir: string;
    let script: string;
    const children: ChildProcess[] = [];

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'pg-writer-'));
      script = join(dir, 'pg-append-writer.js');
      buildSync({
        entryPoints: [join(__dirname, 'testing/pg-append-writer.ts')],
        bundle: true,
        platform: 'node',
        target: 'node20',
        packages: 'external',
        outfile: script,
        logLevel: 'error',
      });
    });
    afterAll(() => {
      for (const child of children) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('appending to the same streams: the subscriber sees every acknowledged event, dense, in order', async () => {
      const schema = newSchema('twoproc');
      const store = await connect(schema);
      const received: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({}, (event) => void received.push(event));
      try {
        await subscription.ready;
        const run = (appends: number, killAfter?: number) =>
          runWriter(script, schema, 'shared-', appends, killAfter, (c) => children.push(c));
        // A third writer is SIGKILLed mid-flight: what it had acknowledged must still be there.
        const [a, b, killed] = await Promise.all([run(100), run(100), run(0, 60)]);
        const acked = [...a, ...b, ...killed];
        expect(killed.length).toBeGreaterThanOrEqual(60);

        const stored = await readAllFrom(store);
        // In-flight appends of the killed writer may have committed without an ack: a superset.
        await waitFor(() => received.length >= stored.length);
        const positions = received.map((e) => e.position);
        expect(positions).toEqual(stored.map((_, i) => padU64(i + 1)));
        expect(received.map((e) => e.metadata.eventId)).toEqual(
          stored.map((e) => e.metadata.eventId),
        );
        const byId = new Map(stored.map((e) => [e.metadata.eventId, e]));
        for (const ack of acked) {
          expect(byId.get(ack.eventId)).toMatchObject({
            streamId: ack.streamId,
            revision: ack.revision,
            position: padU64(ack.position),
          });
        }
        for (const streamId of new Set(stored.map((e) => e.streamId))) {
          expect(verifyChain(await readWholeStream(store, streamId))).toEqual({ ok: true });
        }
      } finally {
        await subscription.close();
        await store.close();
      }
    }, 120_000);
  });

  describe('PostgresSnapshotStore', () => {
    let events: PostgresEventStore;
    let snapshots: PostgresSnapshotStore;
    let schema: string;
    beforeAll(async () => {
      schema = newSchema('snap');
      events = await connect(schema);
      snapshots = events.snapshotStore();
    });
    afterAll(() => events.close());

    const snapshot = (revision: number, state: unknown = { revision }) => ({
      revision,
      hash: `h${revision}`,
      schemaVersion: 1,
      state,
    });

    it('loads nothing for a stream without a snapshot', async () => {
      expect(await snapshots.load('none')).toBeUndefined();
    });

    it('saves and loads a snapshot', async () => {
      const state = { members: ['a', 'b'], lastSeq: 3, nested: { nul: 'x\u0000y' } };
      await snapshots.save('s1', snapshot(7, state));
      expect(await snapshots.load('s1')).toEqual(snapshot(7, state));
    });

    it('only moves forward: a save at or below the stored revision changes nothing', async () => {
      await snapshots.save('s2', snapshot(10));
      await snapshots.save('s2', snapshot(9));
      await snapshots.save('s2', { ...snapshot(10), hash: 'other' });
      expect(await snapshots.load('s2')).toEqual(snapshot(10));
      await snapshots.save('s2', snapshot(11));
      expect(await snapshots.load('s2')).toEqual(snapshot(11));
    });

    it('concurrent savers in separate connections end at the highest revision', async () => {
      const other = await PostgresSnapshotStore.connect(DATABASE_URL!, { schema, logger });
      try {
        const revisions = Array.from({ length: 40 }, (_, i) => (i * 37) % 40);
        await Promise.all(
          revisions.map((r, i) => (i % 2 ? other : snapshots).save('s3', snapshot(r))),
        );
        expect(await snapshots.load('s3')).toEqual(snapshot(39));
      } finally {
        await other.close();
      }
    });
  });
});

async function readAllFrom(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after = '';
  for (let page; (page = await store.readAll({ after, maxCount: 500 })).length > 0;) {
    events.push(...page);
    after = page[page.length - 1].position;
  }
  return events;
}

interface Ack {
  eventId: string;
  streamId: string;
  revision: number;
  position: number;
}

/** Runs the writer to completion (or SIGKILLs it after `killAfter` acks); its acks. */
function runWriter(
  script: string,
  schema: string,
  prefix: string,
  appends: number,
  killAfter: number | undefined,
  started: (c: ChildProcess) => void,
): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NODE_PATH: join(__dirname, '../../../../node_modules') };
    const child = spawn(process.execPath, [script, schema, prefix, '4', String(appends)], {
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
        const [eventId, streamId, revision, position] = line.split(' ');
        acked.push({ eventId, streamId, revision: Number(revision), position: Number(position) });
      }
      if (killAfter !== undefined && acked.length >= killAfter && child.exitCode === null) {
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 || (killAfter !== undefined && signal === 'SIGKILL')) resolve(acked);
      else reject(new Error(`writer exited with ${code ?? signal}`));
    });
  });
}

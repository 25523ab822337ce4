import { randomUUID } from 'node:crypto';
import { SnapshotStore, StreamSnapshot } from '../snapshot-store.port';

export interface SnapshotStoreHarness {
  store: SnapshotStore;
  cleanup(): Promise<void>;
}

/** Text that a store must hand back exactly: every plane, escapes JSON needs, separators. */
const UNICODE =
  'héllo wörld ✓ — 中文 日本語 한국어 עברית العربية 😀👩‍👩‍👧 e\u0301 \u2028\u2029 "quoted" \\ back\\slash \n\t\r';

/** A state that exercises the JSON round trip: nesting, numbers, null, booleans, unicode keys. */
function richState(revision: number): unknown {
  return {
    revision,
    members: ['alice', 'bob', 'çarol', '😀'],
    text: UNICODE,
    [`clé ✓ ${UNICODE.slice(0, 12)}`]: 'unicode key',
    numbers: [0, 1, -1, 0.1, 1e-7, 12345.678, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
    flags: { on: true, off: false, nothing: null },
    empty: { object: {}, array: [], string: '' },
    deep: { a: { b: { c: { d: [{ e: [1, [2, [3]]] }] } } } },
    receipts: Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`user-${i}`, { delivered: i, read: i - 1 }]),
    ),
  };
}

const snapshot = (revision: number, state: unknown = richState(revision)): StreamSnapshot => ({
  revision,
  hash: `hash-of-${revision}-${randomUUID()}`,
  schemaVersion: 1,
  state,
});

/**
 * The guarantees of the SnapshotStore port (snapshot-store.port.ts), for every adapter: a load
 * returns what was saved, whole, and only a higher revision replaces it, whatever the order or
 * concurrency of the saves. Each test uses its own stream prefix, so the suite can run against a
 * shared server.
 */
export function describeSnapshotStoreContract(
  name: string,
  makeStore: () => Promise<SnapshotStoreHarness>,
): void {
  describe(`SnapshotStore contract: ${name}`, () => {
    let harness: SnapshotStoreHarness;
    let store: SnapshotStore;
    let prefix: string;
    const stream = (suffix: string) => `${prefix}${suffix}`;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
      prefix = `snapshots-${randomUUID().slice(0, 8)}-conversation-`;
    });
    afterEach(async () => harness.cleanup());

    it('loads undefined for a stream that has no snapshot', async () => {
      expect(await store.load(stream('never-saved'))).toBeUndefined();
      expect(await store.load(randomUUID())).toBeUndefined();
    });

    it('loads what was saved, deep equal (JSON state round trip, unicode included)', async () => {
      const saved = snapshot(41);
      await store.save(stream('a'), saved);
      const loaded = await store.load(stream('a'));
      expect(loaded).toEqual(saved);
      expect(JSON.stringify((loaded as StreamSnapshot).state)).toBe(JSON.stringify(saved.state));
      // Loading again gives the same snapshot (a load changes nothing).
      expect(await store.load(stream('a'))).toEqual(saved);
    });

    it('keeps a state of any JSON type (array, string, number, null, empty object)', async () => {
      const states: [string, unknown][] = [
        ['array', [1, 'two', { three: [3] }, null]],
        ['string', UNICODE],
        ['number', 3.25],
        ['zero', 0],
        ['null', null],
        ['false', false],
        ['empty', {}],
      ];
      for (const [suffix, state] of states) await store.save(stream(suffix), snapshot(1, state));
      for (const [suffix, state] of states) {
        expect(await store.load(stream(suffix))).toMatchObject({ revision: 1, state });
        expect((await store.load(stream(suffix)))?.state).toEqual(state);
      }
    });

    it('a lower or equal revision never replaces a higher one', async () => {
      const stored = snapshot(10);
      await store.save(stream('a'), stored);
      await store.save(stream('a'), snapshot(5));
      expect(await store.load(stream('a'))).toEqual(stored);
      await store.save(stream('a'), snapshot(0));
      expect(await store.load(stream('a'))).toEqual(stored);
      // The same revision with another hash, schema version or state is no replacement either.
      await store.save(stream('a'), { ...snapshot(10, { other: true }), schemaVersion: 2 });
      expect(await store.load(stream('a'))).toEqual(stored);
    });

    it('a higher revision replaces the stored one, every field of it', async () => {
      await store.save(stream('a'), snapshot(3));
      const first = snapshot(4);
      await store.save(stream('a'), first);
      expect(await store.load(stream('a'))).toEqual(first);
      // A new schema version and a different state shape come along with the revision.
      const next: StreamSnapshot = { ...snapshot(1_000_000, ['reshaped']), schemaVersion: 2 };
      await store.save(stream('a'), next);
      expect(await store.load(stream('a'))).toEqual(next);
      await store.save(stream('a'), first);
      expect(await store.load(stream('a'))).toEqual(next);
    });

    it('20 concurrent saves of random revisions end with the highest', async () => {
      for (let round = 0; round < 3; round++) {
        const streamId = stream(`raced-${round}`);
        const saves = Array.from({ length: 20 }, (_, writer) => {
          const revision = Math.floor(Math.random() * 1_000);
          return snapshot(revision, { revision, writer, text: UNICODE });
        });
        // Half of the streams start with a snapshot below every racer, half with none.
        if (round % 2 === 1) await store.save(streamId, snapshot(0, { initial: true }));
        const highest = Math.max(...saves.map((s) => s.revision));
        await Promise.all(saves.map((s) => store.save(streamId, s)));
        const loaded = await store.load(streamId);
        expect(loaded?.revision).toBe(highest);
        // Whole, as one of the racers saved it (never fields of two saves mixed).
        const winners = saves.filter((s) => s.revision === highest);
        expect(winners).toContainEqual(loaded);
      }
    });

    it('concurrent saves in increasing and decreasing order both end with the highest', async () => {
      const revisions = Array.from({ length: 20 }, (_, i) => i * 3 + 1);
      const up = revisions.map((r) => snapshot(r));
      const down = [...revisions].reverse().map((r) => snapshot(r));
      await Promise.all(up.map((s) => store.save(stream('up'), s)));
      await Promise.all(down.map((s) => store.save(stream('down'), s)));
      expect(await store.load(stream('up'))).toEqual(up[up.length - 1]);
      expect(await store.load(stream('down'))).toEqual(down[0]);
    });

    it('streams are independent, also streams whose ids share a prefix', async () => {
      const ids = ['x', 'x-1', 'x1', 'X', 'x ✓', 'y'];
      const saved = new Map(ids.map((id, i) => [id, snapshot(10 + i)]));
      await Promise.all([...saved].map(([id, s]) => store.save(stream(id), s)));
      for (const [id, s] of saved) expect(await store.load(stream(id))).toEqual(s);

      // Moving one stream forward (or trying to move it back) leaves the others as they were.
      const forward = snapshot(500);
      await store.save(stream('x'), forward);
      await store.save(stream('x-1'), snapshot(1));
      expect(await store.load(stream('x'))).toEqual(forward);
      for (const [id, s] of saved) if (id !== 'x') expect(await store.load(stream(id))).toEqual(s);
      expect(await store.load(stream('x-'))).toBeUndefined();
      expect(await store.load(stream('z'))).toBeUndefined();
    });
  });
}

import { randomUUID } from 'node:crypto';
import {
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { GENESIS_HASH, verifyChain } from '../hash-chain';

export interface EventStoreHarness {
  store: EventStore;
  /** Closes the store and opens it again on the same data (to check durability). */
  reopen?: () => Promise<EventStore>;
  cleanup(): Promise<void>;
}

let testCounter = 0;

export function newEvents(count: number, label = 'Noted'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: label,
    data: { n: i, text: `event ${i}`, nested: { ok: true, list: [1, 2, 3] } },
    metadata: {
      eventId: randomUUID(),
      schemaVersion: 1,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: 'contract-test',
      timestamp: new Date().toISOString(),
    },
  }));
}

const ids = (events: { metadata: { eventId: string } }[]) => events.map((e) => e.metadata.eventId);

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The guarantees of the EventStore port, for every adapter. Only strictly increasing global
 * positions are assumed (EventStoreDB's are not dense); each test uses its own stream prefix so
 * the suite can run against a shared server.
 */
export function describeEventStoreContract(
  name: string,
  makeStore: () => Promise<EventStoreHarness>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;
    let prefix: string;
    const stream = (suffix: string) => `${prefix}${suffix}`;
    const ours = (events: RecordedEvent[]) => events.filter((e) => e.streamId.startsWith(prefix));

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
      prefix = `contract${++testCounter}x${randomUUID().slice(0, 8)}-`;
    });
    afterEach(async () => harness.cleanup());

    describe('append', () => {
      it("appends to a new stream with 'no_stream' and reads the events back with chained metadata", async () => {
        const events = newEvents(3);
        const result = await store.append(stream('a'), events, 'no_stream');
        expect(result.nextExpectedRevision).toBe(2);
        const read = await store.readStream(stream('a'));
        expect(read.map((e) => [e.streamId, e.revision, e.type, e.data])).toEqual(
          events.map((e, i) => [stream('a'), i, e.type, e.data]),
        );
        expect(read.map((e) => e.metadata)).toEqual(
          events.map((e) => expect.objectContaining(e.metadata)),
        );
        expect(read[2].position).toBe(result.position);
        expect(read[0].position).toBeLessThan(read[1].position);
      });

      it("rejects 'no_stream' on an existing stream", async () => {
        await store.append(stream('a'), newEvents(1), 'no_stream');
        await expect(store.append(stream('a'), newEvents(1), 'no_stream')).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 0,
        });
      });

      it('rejects a wrong expected revision with WrongExpectedRevisionError and writes nothing', async () => {
        await store.append(stream('a'), newEvents(2), 'no_stream');
        const rejected = newEvents(2);
        const attempt = store.append(stream('a'), rejected, 0);
        await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(attempt).rejects.toMatchObject({
          streamId: stream('a'),
          expected: 0,
          actual: 1,
        });
        await expect(store.append(stream('missing'), newEvents(1), 3)).rejects.toMatchObject({
          actual: 'no_stream',
        });
        const read = await store.readStream(stream('a'));
        expect(read).toHaveLength(2);
        expect(ids(read)).not.toContain(rejected[0].metadata.eventId);
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it("'any' appends whatever the stream's state", async () => {
        expect((await store.append(stream('a'), newEvents(1), 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append(stream('a'), newEvents(2), 'any')).nextExpectedRevision).toBe(2);
        expect(await store.readStream(stream('a'))).toHaveLength(3);
      });

      it('an exact expected revision appends after it', async () => {
        const first = await store.append(stream('a'), newEvents(1), 'no_stream');
        const second = await store.append(stream('a'), newEvents(1), first.nextExpectedRevision);
        expect(second.nextExpectedRevision).toBe(1);
        expect(second.position).toBeGreaterThan(first.position);
      });

      it('re-appending the same event ids is an idempotent no-op resolving with the original result', async () => {
        const events = newEvents(2);
        const original = await store.append(stream('a'), events, 'no_stream');
        expect(await store.append(stream('a'), events, 'no_stream')).toEqual(original);
        const next = await store.append(stream('a'), newEvents(1), original.nextExpectedRevision);
        expect(await store.append(stream('a'), events, 'no_stream')).toEqual(original);
        expect(await store.append(stream('a'), events, 'any')).toEqual(original);
        const read = await store.readStream(stream('a'));
        expect(read).toHaveLength(3);
        expect(read[2].position).toBe(next.position);
      });

      it('chains hashes from genesis across appends (verifyChain)', async () => {
        await store.append(stream('a'), newEvents(2), 'no_stream');
        await store.append(stream('a'), newEvents(1), 1);
        await store.append(stream('a'), newEvents(3), 'any');
        const read = await store.readStream(stream('a'));
        expect(read[0].metadata.prevHash).toBe(GENESIS_HASH);
        expect(read[2].metadata.prevHash).toBe(read[1].metadata.hash);
        expect(verifyChain(read)).toEqual({ ok: true });
        const tampered = read.map((e, i) => (i === 4 ? { ...e, data: { forged: true } } : e));
        expect(verifyChain(tampered)).toMatchObject({ ok: false, revision: 4 });
      });

      it('a 20-way race on one expected revision has exactly one winner', async () => {
        await store.append(stream('race'), newEvents(1), 'no_stream');
        const attempts = Array.from({ length: 20 }, () => newEvents(1));
        const outcomes = await Promise.allSettled(
          attempts.map((events) => store.append(stream('race'), events, 0)),
        );
        const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const o of outcomes) {
          if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        const read = await store.readStream(stream('race'));
        expect(read).toHaveLength(2);
        expect(read[1].metadata.eventId).toBe(attempts[winners[0]][0].metadata.eventId);
      });

      it('1,000 concurrent appends across 50 streams are all durable and readable after reopen', async () => {
        const appended = new Map<string, string[]>();
        const writes = Array.from({ length: 1000 }, (_, i) => {
          const streamId = stream(`s${i % 50}`);
          const events = newEvents(1);
          appended.set(streamId, [...(appended.get(streamId) ?? []), events[0].metadata.eventId]);
          return store.append(streamId, events, 'any');
        });
        await Promise.all(writes);
        const reader = harness.reopen ? await harness.reopen() : store;
        for (const [streamId, eventIds] of appended) {
          const read = await reader.readStream(streamId);
          expect(new Set(ids(read))).toEqual(new Set(eventIds));
          expect(verifyChain(read)).toEqual({ ok: true });
        }
      });
    });

    describe('read', () => {
      const revisions = (events: RecordedEvent[]) => events.map((e) => e.revision);

      it('reads forwards, backwards, from a revision and up to maxCount', async () => {
        await store.append(stream('a'), newEvents(5), 'no_stream');
        const read = (options: Parameters<EventStore['readStream']>[1]) =>
          store.readStream(stream('a'), options);
        expect(revisions(await read({}))).toEqual([0, 1, 2, 3, 4]);
        expect(revisions(await read({ direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
        expect(revisions(await read({ fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(revisions(await read({ direction: 'backwards', fromRevision: 2 }))).toEqual([
          2, 1, 0,
        ]);
        expect(revisions(await read({ maxCount: 2 }))).toEqual([0, 1]);
        expect(revisions(await read({ direction: 'backwards', maxCount: 2 }))).toEqual([4, 3]);
        expect(revisions(await read({ fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
        expect(revisions(await read({ fromRevision: 9 }))).toEqual([]);
      });

      it('a missing stream reads as an empty array', async () => {
        expect(await store.readStream(stream('nothing'))).toEqual([]);
        expect(await store.readStream(stream('nothing'), { direction: 'backwards' })).toEqual([]);
      });

      it('readAll returns events in append order with increasing positions, after an exclusive position', async () => {
        const marker = await store.append(stream('marker'), newEvents(1), 'no_stream');
        const written: string[] = [];
        for (const suffix of ['a', 'b', 'a', 'c', 'b']) {
          const events = newEvents(2);
          written.push(...ids(events));
          await store.append(stream(suffix), events, 'any');
        }
        const all = ours(await store.readAll({ after: marker.position }));
        expect(ids(all)).toEqual(written);
        all.slice(1).forEach((e, i) => expect(e.position).toBeGreaterThan(all[i].position));
        const page = await store.readAll({ after: all[3].position, maxCount: 2 });
        expect(ids(page)).toEqual(written.slice(4, 6));
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then follows live appends made concurrently, without gap or duplicate', async () => {
        const marker = await store.append(stream('marker'), newEvents(1), 'no_stream');
        for (let i = 0; i < 30; i++) await store.append(stream(`s${i % 3}`), newEvents(1), 'any');
        const received: RecordedEvent[] = [];
        let active = 0;
        let maxActive = 0;
        const subscription = store.subscribeToAll({ after: marker.position }, async (event) => {
          maxActive = Math.max(maxActive, ++active);
          await new Promise((resolve) => setImmediate(resolve));
          received.push(event);
          active--;
        });
        const live = Promise.all(
          Array.from({ length: 5 }, async (_, writer) => {
            for (let i = 0; i < 20; i++)
              await store.append(stream(`live${writer}`), newEvents(1), 'any');
          }),
        );
        await subscription.caughtUp;
        await live;
        await waitFor(() => ours(received).length >= 130);
        await subscription.stop();
        const stored = ours(await store.readAll({ after: marker.position }));
        expect(ids(ours(received))).toEqual(ids(stored));
        expect(stored).toHaveLength(130);
        expect(maxActive).toBe(1);
        received
          .slice(1)
          .forEach((e, i) => expect(e.position).toBeGreaterThan(received[i].position));
      });

      it('resumes from a checkpoint position', async () => {
        await store.append(stream('a'), newEvents(5), 'no_stream');
        const stored = await store.readStream(stream('a'));
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ after: stored[2].position }, (event) => {
          received.push(event);
        });
        await subscription.caughtUp;
        await subscription.stop();
        expect(ids(ours(received))).toEqual(ids(stored.slice(3)));
      });

      it('delivers nothing after stop() resolves', async () => {
        const marker = await store.append(stream('marker'), newEvents(1), 'no_stream');
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ after: marker.position }, (event) => {
          received.push(event);
        });
        await subscription.caughtUp;
        await subscription.stop();
        await store.append(stream('a'), newEvents(3), 'no_stream');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(ours(received)).toEqual([]);
      });
    });
  });
}

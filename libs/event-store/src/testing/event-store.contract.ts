import { randomUUID } from 'node:crypto';
import {
  EventStore,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
  START,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { DuplicateEventIdError } from '../duplicate-event-id.error';
import { GENESIS_HASH, UnsealedEvent, sealEvents, verifyChain } from '../hash-chain';
import { readWholeStream } from '../read-pages';

// CONTRACT_V2: the reshaped port (opaque positions, sealed events, paged reads, async subscriptions).

/**
 * What an adapter cannot do by design. A test needing a missing capability is registered with
 * `it.skip` under a title ending "(not supported by this store: <reason>)", so the report shows it.
 */
export interface EventStoreCapabilities {
  /**
   * Event ids are unique across the whole store: `readEvent` finds an event by id wherever it is
   * stored, and an id stored in another stream or place is refused (DuplicateEventIdError).
   * Default true. EventStoreDB has no global lookup by id (docs/adr-eventstoredb-adapter.md).
   */
  globalEventIds?: boolean;
}

export interface EventStoreHarness {
  store: EventStore;
  /** Closes the store and opens it again on the same data (to check durability). */
  reopen?: () => Promise<EventStore>;
  /**
   * The adapter's capabilities (all default true). Tests are registered before any harness is
   * made, so they are also given to describeEventStoreContract; a harness that declares other
   * values than it was registered with fails every test.
   */
  capabilities?: EventStoreCapabilities;
  cleanup(): Promise<void>;
}

const NO_GLOBAL_EVENT_IDS = 'no global lookup by event id';

/** `it`, or `it.skip` with the reason in the title when the store lacks the capability. */
function itIf(supported: boolean, reason: string) {
  return (title: string, fn: () => Promise<void>, timeout?: number) =>
    supported
      ? it(title, fn, timeout)
      : it.skip(`${title} (not supported by this store: ${reason})`, fn, timeout);
}

let testCounter = 0;

export function unsealedEvents(count: number, label = 'Noted'): UnsealedEvent[] {
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

/**
 * Sealed events whose chain is not checked (sealed as if for an unnamed stream from genesis):
 * for tests of everything but the chain. Chain tests seal with `sealFor`/`appendNext`.
 */
export function newEvents(count: number, label = 'Noted'): NewEvent[] {
  return sealEvents('', 0, GENESIS_HASH, unsealedEvents(count, label));
}

/** The head {revision, hash} of a stream as stored (undefined: no stream). */
export async function headOf(
  store: EventStore,
  streamId: string,
): Promise<{ revision: number; hash: string } | undefined> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  return last && { revision: last.revision, hash: last.metadata.hash };
}

/** Seals `count` new events onto the stream's current head and appends them at it. */
export async function appendNext(
  store: EventStore,
  streamId: string,
  count: number,
  label = 'Noted',
): Promise<{ events: NewEvent[]; result: Awaited<ReturnType<EventStore['append']>> }> {
  const head = await headOf(store, streamId);
  const events = sealFor(streamId, count, head, label);
  const expected: ExpectedRevision = head ? head.revision : 'no_stream';
  return { events, result: await store.append(streamId, events, expected) };
}

/** Events sealed for `streamId` after `head` (the hash covers the stream id and revision). */
export function sealFor(
  streamId: string,
  count: number,
  head?: { revision: number; hash: string },
  label = 'Noted',
): NewEvent[] {
  const firstRevision = head ? head.revision + 1 : 0;
  return sealEvents(
    streamId,
    firstRevision,
    head?.hash ?? GENESIS_HASH,
    unsealedEvents(count, label),
  );
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
 * The guarantees of the EventStore port, for every adapter. Positions are opaque: only their
 * string order is assumed (EventStoreDB's are not dense). Each test uses its own stream prefix
 * so the suite can run against a shared server.
 */
export function describeEventStoreContract(
  name: string,
  makeStore: () => Promise<EventStoreHarness>,
  capabilities: EventStoreCapabilities = {},
): void {
  const globalEventIds = capabilities.globalEventIds ?? true;
  const itWithGlobalEventIds = itIf(globalEventIds, NO_GLOBAL_EVENT_IDS);
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;
    let prefix: string;
    const stream = (suffix: string) => `${prefix}${suffix}`;
    const ours = (events: RecordedEvent[]) => events.filter((e) => e.streamId.startsWith(prefix));
    const all = (streamId: string) => readWholeStream(store, streamId);
    const readAllOurs = async (after: string) => {
      const events: RecordedEvent[] = [];
      for (let page; (page = await store.readAll({ after, maxCount: 100 })).length > 0;) {
        events.push(...page);
        after = page[page.length - 1].position;
      }
      return ours(events);
    };

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
      prefix = `contract${++testCounter}x${randomUUID().slice(0, 8)}-`;
      const declared = harness.capabilities?.globalEventIds ?? true;
      if (declared !== globalEventIds)
        throw new Error(
          `the harness declares globalEventIds: ${declared} but the suite was registered with ${globalEventIds}: pass its capabilities to describeEventStoreContract`,
        );
    });
    afterEach(async () => harness.cleanup());

    describe('append', () => {
      it("appends to a new stream with 'no_stream' and reads the events back with their metadata", async () => {
        const events = sealFor(stream('a'), 3);
        const result = await store.append(stream('a'), events, 'no_stream');
        expect(result.nextExpectedRevision).toBe(2);
        const read = await all(stream('a'));
        expect(read.map((e) => [e.streamId, e.revision, e.type, e.data])).toEqual(
          events.map((e, i) => [stream('a'), i, e.type, e.data]),
        );
        expect(read.map((e) => e.metadata)).toEqual(events.map((e) => e.metadata));
        expect(read[2].position).toBe(result.position);
        expect(read[0].position < read[1].position).toBe(true);
        expect(verifyChain(read)).toEqual({ ok: true });
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
        const read = await all(stream('a'));
        expect(read).toHaveLength(2);
        expect(ids(read)).not.toContain(rejected[0].metadata.eventId);
        expect(await all(stream('missing'))).toEqual([]);
        expect(await store.readEvent(rejected[0].metadata.eventId)).toBeUndefined();
      });

      it("'any' appends whatever the stream's state", async () => {
        expect((await store.append(stream('a'), newEvents(1), 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append(stream('a'), newEvents(2), 'any')).nextExpectedRevision).toBe(2);
        expect(await all(stream('a'))).toHaveLength(3);
      });

      it('an exact expected revision appends after it', async () => {
        const first = await store.append(stream('a'), newEvents(1), 'no_stream');
        const second = await store.append(stream('a'), newEvents(1), first.nextExpectedRevision);
        expect(second.nextExpectedRevision).toBe(1);
        expect(second.position > first.position).toBe(true);
      });

      it('re-appending the same event ids after the same revision is a no-op resolving with the original result', async () => {
        const events = newEvents(2);
        const original = await store.append(stream('a'), events, 'no_stream');
        expect(await store.append(stream('a'), events, 'no_stream')).toEqual(original);
        const next = await store.append(stream('a'), newEvents(1), original.nextExpectedRevision);
        expect(await store.append(stream('a'), events, 'no_stream')).toEqual(original);
        const read = await all(stream('a'));
        expect(read).toHaveLength(3);
        expect(read[2].position).toBe(next.position);
      });

      itWithGlobalEventIds(
        'an event id stored elsewhere is refused with DuplicateEventIdError, writing nothing',
        async () => {
          const [original] = newEvents(1);
          await store.append(stream('a'), [original], 'no_stream');
          await store.append(stream('a'), newEvents(1), 0);
          const [fresh] = newEvents(1);
          // The same id later in the same stream (a retried command decided again), or in another.
          await expect(store.append(stream('a'), [fresh, original], 1)).rejects.toBeInstanceOf(
            DuplicateEventIdError,
          );
          await expect(store.append(stream('b'), [original], 'no_stream')).rejects.toBeInstanceOf(
            DuplicateEventIdError,
          );
          // Another event under a stored id at the very place it is stored is no retry either.
          const impostor = { ...newEvents(1)[0], metadata: { ...newEvents(1)[0].metadata } };
          impostor.metadata.eventId = original.metadata.eventId;
          await expect(store.append(stream('a'), [impostor], 'no_stream')).rejects.toBeInstanceOf(
            DuplicateEventIdError,
          );
          expect(await all(stream('a'))).toHaveLength(2);
          expect(await all(stream('b'))).toEqual([]);
          expect(await store.readEvent(fresh.metadata.eventId)).toBeUndefined();
        },
      );

      itWithGlobalEventIds('readEvent finds an event by id, wherever it is stored', async () => {
        const { events } = await appendNext(store, stream('a'), 3);
        const found = await store.readEvent(events[1].metadata.eventId);
        expect(found).toMatchObject({ streamId: stream('a'), revision: 1, data: events[1].data });
        expect(await store.readEvent(randomUUID())).toBeUndefined();
      });

      it('keeps the chain the writers sealed across appends (verifyChain)', async () => {
        await appendNext(store, stream('a'), 2);
        await appendNext(store, stream('a'), 1);
        await appendNext(store, stream('a'), 3);
        const read = await all(stream('a'));
        expect(read[0].metadata.prevHash).toBe(GENESIS_HASH);
        expect(read[2].metadata.prevHash).toBe(read[1].metadata.hash);
        expect(verifyChain(read)).toEqual({ ok: true });
        const tampered = read.map((e, i) => (i === 4 ? { ...e, data: { forged: true } } : e));
        expect(verifyChain(tampered)).toMatchObject({ ok: false, revision: 4 });
      });

      it('a 20-way race on one expected revision has exactly one winner', async () => {
        const { events: first } = await appendNext(store, stream('race'), 1);
        const head = { revision: 0, hash: first[0].metadata.hash };
        const attempts = Array.from({ length: 20 }, () => sealFor(stream('race'), 1, head));
        const outcomes = await Promise.allSettled(
          attempts.map((events) => store.append(stream('race'), events, 0)),
        );
        const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const o of outcomes) {
          if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        const read = await all(stream('race'));
        expect(read).toHaveLength(2);
        expect(read[1].metadata.eventId).toBe(attempts[winners[0]][0].metadata.eventId);
        expect(verifyChain(read)).toEqual({ ok: true });
      });

      it('1,000 appends, 50 streams written concurrently, are all durable and readable after reopen', async () => {
        const appended = new Map<string, string[]>();
        await Promise.all(
          Array.from({ length: 50 }, async (_, s) => {
            const streamId = stream(`s${s}`);
            let head: { revision: number; hash: string } | undefined;
            for (let i = 0; i < 20; i++) {
              const events = sealFor(streamId, 1, head);
              const expected = head ? head.revision : 'no_stream';
              const result = await store.append(streamId, events, expected);
              head = { revision: result.nextExpectedRevision, hash: events[0].metadata.hash };
              appended.set(streamId, [...(appended.get(streamId) ?? []), ...ids(events)]);
            }
          }),
        );
        const reader = harness.reopen ? await harness.reopen() : store;
        for (const [streamId, eventIds] of appended) {
          const read = await readWholeStream(reader, streamId, 7);
          expect(ids(read)).toEqual(eventIds);
          expect(verifyChain(read)).toEqual({ ok: true });
        }
      });
    });

    describe('read', () => {
      const revisions = (events: RecordedEvent[]) => events.map((e) => e.revision);

      it('reads pages forwards and backwards, from a revision, never more than maxCount', async () => {
        await store.append(stream('a'), newEvents(5), 'no_stream');
        const read = (options: Partial<Parameters<EventStore['readStream']>[1]>) =>
          store.readStream(stream('a'), { maxCount: 100, ...options });
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
        expect(revisions(await readWholeStream(store, stream('a'), 2))).toEqual([0, 1, 2, 3, 4]);
      });

      it('a missing stream reads as an empty page', async () => {
        expect(await store.readStream(stream('nothing'), { maxCount: 10 })).toEqual([]);
        const backwards = { direction: 'backwards', maxCount: 10 } as const;
        expect(await store.readStream(stream('nothing'), backwards)).toEqual([]);
      });

      it('readAll returns pages in append order with increasing positions, after an exclusive position', async () => {
        const marker = await store.append(stream('marker'), newEvents(1), 'no_stream');
        const written: string[] = [];
        for (const suffix of ['a', 'b', 'a', 'c', 'b']) {
          const events = newEvents(2);
          written.push(...ids(events));
          await store.append(stream(suffix), events, 'any');
        }
        const ordered = await readAllOurs(marker.position);
        expect(ids(ordered)).toEqual(written);
        ordered.slice(1).forEach((e, i) => expect(e.position > ordered[i].position).toBe(true));
        const page = await store.readAll({ after: ordered[3].position, maxCount: 2 });
        expect(ids(page)).toEqual(written.slice(4, 6));
        expect((await store.readAll({ after: START, maxCount: 1 })).length).toBe(1);
      });

      it('readAll filters by stream prefix and event type', async () => {
        const marker = await store.append(stream('marker'), newEvents(1), 'no_stream');
        await store.append(stream('x-1'), newEvents(2, 'Kept'), 'any');
        await store.append(stream('y-1'), newEvents(2, 'Kept'), 'any');
        await store.append(stream('x-2'), newEvents(1, 'Other'), 'any');
        const byPrefix = await store.readAll({
          after: marker.position,
          maxCount: 100,
          filter: { streamPrefixes: [stream('x-')] },
        });
        expect(byPrefix.map((e) => e.streamId)).toEqual([
          stream('x-1'),
          stream('x-1'),
          stream('x-2'),
        ]);
        const byType = ours(
          await store.readAll({
            after: marker.position,
            maxCount: 1000,
            filter: { eventTypes: ['Other'] },
          }),
        );
        expect(byType.map((e) => e.streamId)).toEqual([stream('x-2')]);
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
        await subscription.ready;
        const live = Promise.all(
          Array.from({ length: 5 }, async (_, writer) => {
            for (let i = 0; i < 20; i++)
              await store.append(stream(`live${writer}`), newEvents(1), 'any');
          }),
        );
        await subscription.caughtUp;
        await live;
        await waitFor(() => ours(received).length >= 130);
        await subscription.close();
        const stored = await readAllOurs(marker.position);
        expect(ids(ours(received))).toEqual(ids(stored));
        expect(stored).toHaveLength(130);
        expect(maxActive).toBe(1);
        received.slice(1).forEach((e, i) => expect(e.position > received[i].position).toBe(true));
      });

      it('resumes from a checkpoint position, and commit() records the consumer’s progress', async () => {
        await store.append(stream('a'), newEvents(5), 'no_stream');
        const stored = await all(stream('a'));
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ after: stored[2].position }, (event) => {
          received.push(event);
        });
        expect(subscription.committed).toBe(stored[2].position);
        await subscription.caughtUp;
        await subscription.commit(stored[4].position);
        expect(subscription.committed).toBe(stored[4].position);
        await subscription.close();
        expect(ids(ours(received))).toEqual(ids(stored.slice(3)));
      });

      it('a filtered subscription delivers only the matching streams', async () => {
        const marker = await store.append(stream('marker'), newEvents(1), 'no_stream');
        const received: RecordedEvent[] = [];
        const filter = { streamPrefixes: [stream('keep-')] };
        const subscription = store.subscribeToAll({ after: marker.position, filter }, (event) => {
          received.push(event);
        });
        await subscription.ready;
        await store.append(stream('skip-1'), newEvents(2), 'any');
        await store.append(stream('keep-1'), newEvents(2), 'any');
        await waitFor(() => received.length >= 2);
        await subscription.close();
        expect(received.map((e) => e.streamId)).toEqual([stream('keep-1'), stream('keep-1')]);
      });

      it('delivers nothing after close() resolves', async () => {
        const marker = await store.append(stream('marker'), newEvents(1), 'no_stream');
        const received: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({ after: marker.position }, (event) => {
          received.push(event);
        });
        await subscription.caughtUp;
        await subscription.close();
        await store.append(stream('a'), newEvents(3), 'no_stream');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(ours(received)).toEqual([]);
      });
    });
  });
}

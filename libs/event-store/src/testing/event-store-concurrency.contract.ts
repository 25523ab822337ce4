import { randomUUID } from 'node:crypto';
import {
  AppendResult,
  EventStore,
  NewEvent,
  Position,
  RecordedEvent,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { GENESIS_HASH, sealEvents, verifyChain } from '../hash-chain';
import { readWholeStream } from '../read-pages';

export interface ConcurrentStores {
  /**
   * `count` stores over the same data, each on its own connection(s) where the adapter has
   * connections (PostgreSQL: separate instances); an embedded adapter may give one instance.
   */
  stores: EventStore[];
  cleanup(): Promise<void>;
}

const WRITERS = 20;
const APPENDS_PER_WRITER = 10;
/** A writer gives up after this long without winning a race (no livelock may starve it). */
const GIVE_UP_MS = 60_000;
/** Every append on one stream is a round of 20 racers: slow on a busy shared machine. */
const TIMEOUT_MS = 180_000;

/**
 * Concurrency guarantees under real contention, for every adapter: many writers (spread over
 * several store instances) race on the same streams, each retrying a lost race the way the
 * command side does (re-read the head, seal again with sealEvents, append at it), while one
 * subscriber runs throughout. Every committed event must reach the subscriber exactly once, in
 * position order, and every stream must verify from genesis.
 */
export function describeEventStoreConcurrencyContract(
  name: string,
  makeStores: (count: number) => Promise<ConcurrentStores>,
  storeCount = 4,
): void {
  describe(`EventStore concurrency contract: ${name}`, () => {
    let harness: ConcurrentStores;
    let prefix: string;

    beforeEach(async () => {
      harness = await makeStores(storeCount);
      prefix = `concurrency-${randomUUID().slice(0, 8)}-`;
    });
    afterEach(async () => harness.cleanup());

    it(
      `${WRITERS} writers on ONE stream: every append lands once, chained, seen once in order`,
      async () => {
        const conflicts = await raceAndCheck(harness.stores, prefix, () => `${prefix}one`);
        expect(conflicts).toBeGreaterThan(0); // the race was real
      },
      TIMEOUT_MS,
    );

    it(
      `${WRITERS} writers over ${WRITERS} streams: every append lands once, chained, seen once in order`,
      async () => {
        const streamFor = () => `${prefix}s${Math.floor(Math.random() * WRITERS)}`;
        await raceAndCheck(harness.stores, prefix, streamFor);
      },
      TIMEOUT_MS,
    );
  });
}

async function raceAndCheck(
  stores: EventStore[],
  prefix: string,
  streamFor: (writer: number, n: number) => string,
): Promise<number> {
  const [observer] = stores;
  const marker = await observer.append(
    `${prefix}marker`,
    sealed(`${prefix}marker`, 1),
    'no_stream',
  );
  const filter = { streamPrefixes: [`${prefix}s`, `${prefix}one`] };
  const received: RecordedEvent[] = [];
  const subscription = observer.subscribeToAll({ after: marker.position, filter }, (event) => {
    received.push(event);
  });
  try {
    await subscription.ready;
    const acknowledged: string[] = [];
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const store = stores[writer % stores.length];
        for (let n = 0; n < APPENDS_PER_WRITER; n++) {
          const streamId = streamFor(writer, n);
          const count = 1 + ((writer + n) % 3);
          conflicts += await appendWithRetry(store, streamId, count, (events) =>
            acknowledged.push(...events.map((e) => e.metadata.eventId)),
          );
        }
      }),
    );

    const stored = await readAllAfter(observer, marker.position, filter);
    expect(new Set(stored.map((e) => e.metadata.eventId))).toEqual(new Set(acknowledged));
    expect(stored).toHaveLength(acknowledged.length);

    await waitFor(() => received.length >= stored.length, subscription);
    await new Promise((resolve) => setTimeout(resolve, 50)); // room for a duplicate to show
    expect(received.map((e) => e.metadata.eventId)).toEqual(stored.map((e) => e.metadata.eventId));
    received.slice(1).forEach((e, i) => expect(e.position > received[i].position).toBe(true));

    for (const streamId of new Set(stored.map((e) => e.streamId))) {
      for (const store of stores) {
        expect(verifyChain(await readWholeStream(store, streamId))).toEqual({ ok: true });
      }
    }
    return conflicts;
  } finally {
    await subscription.close();
  }
}

/**
 * Appends `count` events at the stream's head as the command side does: read the head, seal
 * onto it, append with it as the expected revision, and on a lost race start over after a short
 * random pause (growing to 20 ms): a store whose reads lag its reservations (LMDB's pending
 * appends are not readable until durable) would otherwise let losers spin on a stale head.
 * Returns the number of lost races.
 */
export async function appendWithRetry(
  store: EventStore,
  streamId: string,
  count: number,
  acknowledged: (events: NewEvent[], result: AppendResult) => void,
): Promise<number> {
  const giveUpAt = Date.now() + GIVE_UP_MS;
  for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
    const [head] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const events = head
      ? sealEvents(streamId, head.revision + 1, head.metadata.hash, unsealed(count))
      : sealEvents(streamId, 0, GENESIS_HASH, unsealed(count));
    try {
      const result = await store.append(streamId, events, head ? head.revision : 'no_stream');
      acknowledged(events, result);
      return attempt;
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError)) throw err;
    }
    const pauseMs = Math.random() * Math.min(20, 1 + attempt);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  throw new Error(`${streamId}: no append won in ${GIVE_UP_MS / 1000} s`);
}

function sealed(streamId: string, count: number): NewEvent[] {
  return sealEvents(streamId, 0, GENESIS_HASH, unsealed(count));
}

function unsealed(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    type: 'Raced',
    data: { i, at: Date.now() },
    metadata: {
      eventId: randomUUID(),
      schemaVersion: 1,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: 'concurrency-contract',
      timestamp: new Date().toISOString(),
    },
  }));
}

async function readAllAfter(
  store: EventStore,
  after: Position,
  filter: { streamPrefixes: string[] },
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let page; (page = await store.readAll({ after, maxCount: 200, filter })).length > 0;) {
    events.push(...page);
    after = page[page.length - 1].position;
  }
  return events;
}

async function waitFor(check: () => boolean, subscription: Subscription): Promise<void> {
  const until = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > until) {
      throw new Error(
        `subscription still short of the stored events (committed ${subscription.committed})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

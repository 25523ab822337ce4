import { LogTimeIndex } from '../../../../libs/audit/src/log-time-index';
import { padU64 } from '../../../../libs/event-store/src/position';
import { userActivity } from './user-activity';
import { ArrayEventStore } from './testing/array-event-store';

const T0 = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

/** 1,000 events, one a minute (with up to ±3 minutes of skew), actors cycling alice/bob/carol/dave. */
function log(): ArrayEventStore {
  const store = new ArrayEventStore();
  const actors = ['alice', 'bob', 'carol', 'dave'];
  for (let i = 0; i < 1000; i++) {
    const skew = ((i * 7919) % 7) - 3;
    store.add(
      `conversation-c${i % 5}`,
      'MessageSent',
      { i },
      { actor: actors[i % 4], timestamp: new Date(T0 + (i + skew) * MINUTE).toISOString() },
    );
  }
  return store;
}

function indexOf(store: ArrayEventStore, upTo = store.log.length): LogTimeIndex {
  const index = new LogTimeIndex({ blockSize: 16, maxBlocks: 16 });
  for (const e of store.log.slice(0, upTo)) index.add(e.position, Date.parse(e.metadata.timestamp));
  return index;
}

/** Follows `next` to the end; returns every event and the events read. */
async function all(
  store: ArrayEventStore,
  index: LogTimeIndex | undefined,
  window: { userId: string; fromMs: number; toMs: number },
  limit: number,
  scanBudget: number,
) {
  const events = [];
  let after: string | undefined;
  let scanned = 0;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await userActivity(
      store,
      index,
      { ...window, after, limit },
      { scanBudget, pageSize: 7 },
    );
    expect(page.events.length).toBeLessThanOrEqual(limit);
    events.push(...page.events);
    scanned += page.scanned;
    if (page.next === null) return { events, scanned };
    after = page.next;
  }
  throw new Error('did not end');
}

describe('userActivity (a user’s events in a time window)', () => {
  const store = log();
  const window = { userId: 'bob', fromMs: T0 + 300 * MINUTE, toMs: T0 + 420 * MINUTE };
  const want = store.log
    .filter((e) => {
      const t = Date.parse(e.metadata.timestamp);
      return e.metadata.actor === 'bob' && t >= window.fromMs && t < window.toMs;
    })
    .map((e) => e.position);

  it.each([
    ['without an index (a scan of the log)', undefined, 1000],
    ['with an index of the whole log', indexOf(store), 1000],
    ['with an index of part of the log', indexOf(store, 350), 1000],
  ])('%s: exactly the events of the window, in log order, across pages', async (_, index, _n) => {
    for (const [limit, budget] of [
      [1000, 1_000_000],
      [3, 1_000_000],
      [5, 40],
    ]) {
      const got = await all(store, index, window, limit, budget);
      expect(got.events.map((e) => e.position)).toEqual(want);
      expect(got.events.every((e) => e.metadata.actor === 'bob')).toBe(true);
    }
  });

  it('reads only the blocks that meet the window once indexed (O(events in the window))', async () => {
    store.eventsRead = 0;
    const indexed = await all(store, indexOf(store), window, 1000, 1_000_000);
    expect(indexed.scanned).toBeLessThan(2 * 120 + 3 * 64);
    const scanned = await all(store, undefined, window, 1000, 1_000_000);
    expect(scanned.scanned).toBe(1000);
  });

  it('a window with nothing of the user answers an empty last page', async () => {
    const page = await userActivity(
      store,
      indexOf(store),
      { userId: 'nobody', fromMs: T0, toMs: T0 + 10 * MINUTE, limit: 10 },
      { scanBudget: 1000 },
    );
    expect(page).toMatchObject({ events: [], next: null });
    const before = await userActivity(
      store,
      indexOf(store),
      { userId: 'bob', fromMs: T0 - 100 * MINUTE, toMs: T0 - 50 * MINUTE, limit: 10 },
      { scanBudget: 1000 },
    );
    expect(before).toMatchObject({ events: [], next: null, scanned: 0 });
  });

  it('stops at the scan budget with a cursor to go on from', async () => {
    const page = await userActivity(
      store,
      undefined,
      { ...window, limit: 100 },
      { scanBudget: 50, pageSize: 20 },
    );
    expect(page).toMatchObject({ events: [], next: padU64(50), scanned: 50 });
  });

  it('a cursor the store cannot read is 400 invalid_request', async () => {
    await expect(
      userActivity(store, undefined, { ...window, after: 'x', limit: 1 }, { scanBudget: 10 }),
    ).rejects.toMatchObject({ code: 'invalid_request', status: 400 });
  });
});

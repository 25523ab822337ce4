import { PresenceStore } from '../presence-store.port';

export interface PresenceStoreFixture {
  /** A store on this test's data, as another gateway would open it (in-memory: the one store). */
  open(): Promise<PresenceStore>;
  /** Closes every store opened. */
  close(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (flags: boolean[]) => flags.filter(Boolean).length;
/** Connection TTL of the expiry tests: short, but well above a loaded machine's hiccups. */
const TTL_MS = 600;

/**
 * The guarantees of PresenceStore (presence-store.port.ts), run against every adapter. `make`
 * gives a fresh fixture (its own key space) whose stores expire connections after `ttlMs`.
 */
export function describePresenceStoreContract(
  name: string,
  make: (ttlMs: number) => Promise<PresenceStoreFixture> | PresenceStoreFixture,
): void {
  describe(`PresenceStore contract: ${name}`, () => {
    let fixture: PresenceStoreFixture;
    let store: PresenceStore;
    const setUp = async (ttlMs: number) => {
      fixture = await make(ttlMs);
      store = await fixture.open();
    };
    afterEach(() => fixture.close());

    describe('connections and reports', () => {
      beforeEach(() => setUp(60_000));

      it('online on the first connection, offline when the last one closes', async () => {
        expect(await store.connectionOpened('ann', 'g1-1', 1000)).toBe(true);
        expect(await store.connectionOpened('ann', 'g2-1', 2000)).toBe(false);
        expect(await store.connectionClosed('ann', 'g1-1', 3000)).toBe(false);
        expect((await store.get(['ann']))[0].online).toBe(true);
        expect(await store.connectionClosed('ann', 'g2-1', 4000)).toBe(true);
        expect(await store.get(['ann', 'nobody'])).toEqual([
          { userId: 'ann', online: false, lastSeenAt: iso(4000) },
        ]);
      });

      it('an online user is seen now; users do not affect each other', async () => {
        await store.connectionOpened('ann', 'g1-1', 1000);
        await store.connectionOpened('bob', 'g1-2', 1000);
        await store.connectionClosed('bob', 'g1-2', 2000);
        const before = Date.now();
        const [ann, bob] = await store.get(['ann', 'bob']);
        expect(ann.online).toBe(true);
        expect(Date.parse(ann.lastSeenAt)).toBeGreaterThanOrEqual(before - 1);
        expect(bob).toEqual({ userId: 'bob', online: false, lastSeenAt: iso(2000) });
      });

      it('lastSeenAt only rises', async () => {
        await store.connectionOpened('bob', 'g1-1', 5000);
        expect(await store.touch('bob', 'g1-1', 9000)).toBe(false);
        expect(await store.connectionClosed('bob', 'g1-1', 6000)).toBe(true);
        expect((await store.get(['bob']))[0].lastSeenAt).toBe(iso(9000));
        expect(await store.connectionOpened('bob', 'g1-2', 3000)).toBe(true);
        expect(await store.connectionClosed('bob', 'g1-2', 4000)).toBe(true);
        expect((await store.get(['bob']))[0].lastSeenAt).toBe(iso(9000));
      });

      it('a close without an open, or a second close, reports nothing', async () => {
        expect(await store.connectionClosed('cy', 'g1-1', 1000)).toBe(false);
        await store.connectionOpened('cy', 'g1-2', 2000);
        expect(await store.connectionClosed('cy', 'g1-2', 3000)).toBe(true);
        expect(await store.connectionClosed('cy', 'g1-2', 4000)).toBe(false);
      });

      it('racing gateways: exactly one reports online, exactly one reports offline', async () => {
        const gateways = await Promise.all(Array.from({ length: 8 }, () => fixture.open()));
        for (let round = 0; round < 3; round++) {
          const opened = await Promise.all(
            gateways.map((g, i) => g.connectionOpened('dan', `g${i}-${round}`, 1000 + round)),
          );
          expect(count(opened)).toBe(1);
          const closed = await Promise.all(
            gateways.map((g, i) => g.connectionClosed('dan', `g${i}-${round}`, 2000 + round)),
          );
          expect(count(closed)).toBe(1);
        }
        expect((await store.get(['dan']))[0]).toEqual({
          userId: 'dan',
          online: false,
          lastSeenAt: iso(2002),
        });
      });
    });

    describe('expiry (connection TTL)', () => {
      beforeEach(() => setUp(TTL_MS));

      it('a connection without heartbeats expires: offline, seen at its last heartbeat', async () => {
        await store.connectionOpened('eve', 'g1-1', 1000);
        await store.touch('eve', 'g1-1', 2000);
        await sleep(TTL_MS * 1.5);
        expect(await store.get(['eve'])).toEqual([
          { userId: 'eve', online: false, lastSeenAt: iso(2000) },
        ]);
      });

      it('heartbeats keep a connection live', async () => {
        await store.connectionOpened('fay', 'g1-1', 1000);
        for (let i = 1; i <= 8; i++) {
          await sleep(TTL_MS / 4);
          await store.touch('fay', 'g1-1', 1000 + i);
        }
        expect((await store.get(['fay']))[0].online).toBe(true);
      });

      it('reports still alternate around an expiry', async () => {
        expect(await store.connectionOpened('gus', 'g1-1', 1000)).toBe(true);
        await sleep(TTL_MS * 1.5); // g1-1 expired: offline, not yet reported
        expect(await store.connectionOpened('gus', 'g2-1', 2000)).toBe(false);
        expect(await store.connectionClosed('gus', 'g2-1', 3000)).toBe(true);
        expect(await store.touch('gus', 'g1-1', 4000)).toBe(true); // back: reported online
        expect((await store.get(['gus']))[0].online).toBe(true);
        expect(await store.connectionClosed('gus', 'g1-1', 5000)).toBe(true);
      });
    });
  });
}

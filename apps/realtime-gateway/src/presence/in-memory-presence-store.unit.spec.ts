import { InMemoryPresenceStore } from './in-memory-presence-store';

describe('InMemoryPresenceStore', () => {
  it('reports online on the first connection and offline when the last one closes', async () => {
    const store = new InMemoryPresenceStore();
    expect(await store.connectionOpened('ann', 1000)).toBe(true);
    expect(await store.connectionOpened('ann', 2000)).toBe(false);
    expect(await store.connectionClosed('ann', 3000)).toBe(false);
    expect((await store.get(['ann']))[0].online).toBe(true);
    expect(await store.connectionClosed('ann', 4000)).toBe(true);
    expect(await store.get(['ann', 'nobody'])).toEqual([
      { userId: 'ann', online: false, lastSeenAt: new Date(4000).toISOString() },
    ]);
  });

  it('never lowers lastSeenAt and ignores a close without an open', async () => {
    const store = new InMemoryPresenceStore();
    expect(await store.connectionClosed('bob', 5000)).toBe(false);
    await store.connectionOpened('bob', 5000);
    await store.touch('bob', 9000);
    expect(await store.connectionClosed('bob', 6000)).toBe(true);
    expect((await store.get(['bob']))[0].lastSeenAt).toBe(new Date(9000).toISOString());
    expect(await store.connectionOpened('bob', 10_000)).toBe(true);
  });
});

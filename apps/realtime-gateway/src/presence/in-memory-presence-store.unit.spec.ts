import { InMemoryPresenceStore } from './in-memory-presence-store';
import { describePresenceStoreContract } from './testing/presence-store.contract';

// One store per fixture: every "gateway" of a test shares it, as they would share Redis.
describePresenceStoreContract('in memory', (ttlMs) => {
  const store = new InMemoryPresenceStore({ connectionTtlMs: ttlMs });
  return { open: async () => store, close: async () => undefined };
});

describe('InMemoryPresenceStore', () => {
  it('never expires a connection by default', async () => {
    const store = new InMemoryPresenceStore();
    await store.connectionOpened('ann', 'c1', 0);
    expect((await store.get(['ann']))[0].online).toBe(true);
  });
});

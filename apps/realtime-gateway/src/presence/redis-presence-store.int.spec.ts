import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import pino from 'pino';
import { RedisPresenceStore } from './redis-presence-store';
import { describePresenceStoreContract } from './testing/presence-store.contract';

const REDIS_URL = process.env.REDIS_URL;
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Every key this run writes starts with it; deleted after the run. */
const RUN_PREFIX = `test-presence-${process.pid}-${randomUUID().slice(0, 8)}:`;
let fixtures = 0;

if (!REDIS_URL) {
  process.stderr.write(
    'SKIPPED: Redis presence-store contract suite — set REDIS_URL (npm run infra:up)\n',
  );
  describe('RedisPresenceStore', () => it.skip('needs a Redis server (REDIS_URL)', () => {}));
}
const describeRedis = REDIS_URL ? describe : () => undefined;

/** Stores on one key prefix of their own: the "gateways" of one test. */
function openFixture(ttlMs: number) {
  const keyPrefix = `${RUN_PREFIX}${++fixtures}:`;
  const stores: RedisPresenceStore[] = [];
  return {
    keyPrefix,
    open: async () => {
      const store = await RedisPresenceStore.connect({
        url: REDIS_URL!,
        logger,
        keyPrefix,
        connectionTtlMs: ttlMs,
      });
      stores.push(store);
      return store;
    },
    close: async () => void (await Promise.all(stores.map((s) => s.close()))),
  };
}

describeRedis('RedisPresenceStore', () => {
  afterAll(async () => {
    const redis = new Redis(REDIS_URL!);
    const keys = await redis.keys(`${RUN_PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  describePresenceStoreContract('Redis', openFixture);

  it('keys: presence:{user}:{connection} with the TTL, the set of ids, the state hash', async () => {
    const fixture = openFixture(5_000);
    const store = await fixture.open();
    const redis = new Redis(REDIS_URL!);
    try {
      await store.connectionOpened('ann', 'gw1:7', 1234);
      const p = fixture.keyPrefix;
      expect(await redis.pttl(`${p}presence:{ann}:gw1:7`)).toBeGreaterThan(4_000);
      expect(await redis.smembers(`${p}presence:{ann}`)).toEqual(['gw1:7']);
      expect(await redis.hgetall(`${p}presence-state:{ann}`)).toEqual({ at: '1234', on: '1' });
    } finally {
      await redis.quit();
      await fixture.close();
    }
  });

  it('the users of a crashed gateway go offline within the TTL; another gateway reports it on close', async () => {
    const fixture = openFixture(500);
    try {
      const [crashing, healthy] = [await fixture.open(), await fixture.open()];
      for (const user of ['u1', 'u2', 'u3'])
        await crashing.connectionOpened(user, `dead:${user}`, 1000);
      expect(await healthy.connectionOpened('u1', 'live:u1', 1100)).toBe(false);
      await crashing.close(); // no connectionClosed: the gateway is gone
      expect((await healthy.get(['u2']))[0].online).toBe(true);
      await sleep(300);
      await healthy.touch('u1', 'live:u1', 1400); // the healthy gateway's heartbeat
      await sleep(400);
      const views = await healthy.get(['u1', 'u2', 'u3']);
      expect(views.map((v) => [v.userId, v.online])).toEqual([
        ['u1', true],
        ['u2', false],
        ['u3', false],
      ]);
      expect(await healthy.connectionClosed('u1', 'live:u1', 2000)).toBe(true);
    } finally {
      await fixture.close();
    }
  });
});

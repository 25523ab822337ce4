import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describeSignalBusContract } from '../testing/signal-bus.contract';
import { RedisSignalBus } from './redis-signal-bus';

const REDIS_URL = process.env.REDIS_URL;
const logger = pino({ level: 'silent' });
/** One channel per test, so runs and tests never hear each other. */
const RUN = `test-signals-${process.pid}-${randomUUID().slice(0, 8)}`;
let channels = 0;

if (!REDIS_URL) {
  process.stderr.write(
    'SKIPPED: Redis signal-bus contract suite — set REDIS_URL (npm run infra:up)\n',
  );
  describe('RedisSignalBus', () => it.skip('needs a Redis server (REDIS_URL)', () => {}));
}
const describeRedis = REDIS_URL ? describe : () => undefined;

describeRedis('RedisSignalBus', () => {
  describeSignalBusContract('Redis pub/sub', () => {
    const channel = `${RUN}-${++channels}`;
    const buses: RedisSignalBus[] = [];
    return {
      open: async () => {
        const bus = await RedisSignalBus.connect({ url: REDIS_URL!, logger, channel });
        buses.push(bus);
        return bus;
      },
      quietMs: 150,
      close: async () => void (await Promise.all(buses.map((b) => b.close()))),
    };
  });

  it('connect rejects when Redis cannot be reached (and stops retrying)', async () => {
    await expect(
      RedisSignalBus.connect({ url: 'redis://127.0.0.1:1', logger, channel: RUN }),
    ).rejects.toThrow();
  });
});

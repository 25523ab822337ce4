import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { ProjectionUpdate } from '../../../domain/src';
import { describeUpdateBusContract } from '../testing/update-bus.contract';
import { Received, updateMaker } from '../testing/update-fixtures';
import { eventually, sleep } from '../testing/wait';
import { KafkaUpdateBus, KafkaUpdateBusOptions } from './kafka-update-bus';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const BROKERS = process.env.KAFKA_BROKERS?.split(',');
// Silent by default (a contract test throws in a handler on purpose); LOG_LEVEL=debug shows
// kafkajs too, including the expected "coordinator is loading" noise of a fresh cluster.
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
/** One topic per test, unique to this run. */
const RUN = `test-updates-${process.pid}-${randomUUID().slice(0, 8)}`;
let topics = 0;

if (!BROKERS) {
  process.stderr.write(
    'SKIPPED: Kafka update-bus contract suite — set KAFKA_BROKERS (npm run infra:up)\n',
  );
  describe('KafkaUpdateBus', () => it.skip('needs a Kafka broker (KAFKA_BROKERS)', () => {}));
}
const describeKafka = BROKERS ? describe : () => undefined;

/** Buses on one fresh topic of 3 partitions: each `open` is another process. */
function topicFixture(extra: Partial<KafkaUpdateBusOptions> = {}) {
  const topic = `${RUN}-${++topics}`;
  const buses: KafkaUpdateBus[] = [];
  return {
    topic,
    open: async (options: Partial<KafkaUpdateBusOptions> = {}) => {
      const bus = await KafkaUpdateBus.connect({
        brokers: BROKERS!,
        logger,
        topic,
        partitions: 3,
        ...extra,
        ...options,
      });
      buses.push(bus);
      return bus;
    },
    quietMs: 1_000,
    close: async () => void (await Promise.all(buses.map((b) => b.close()))),
  };
}

describeKafka('KafkaUpdateBus', () => {
  jest.setTimeout(120_000);
  const update = updateMaker();

  describeUpdateBusContract('Kafka (broadcast: a consumer group per subscription)', () =>
    topicFixture(),
  );

  it('two gateways (two processes, two groups) both receive every update', async () => {
    const fixture = topicFixture();
    try {
      const projector = await fixture.open();
      const gateways = [await fixture.open(), await fixture.open()];
      const received = [new Received(), new Received()];
      const subs = gateways.map((g, i) => g.subscribe(received[i].handler));
      await Promise.all(subs.map((s) => s.ready));
      const published: ProjectionUpdate[] = [];
      for (let i = 0; i < 10; i++) {
        const batch = Array.from({ length: 100 }, (_, j) => update(`c${j % 7}`));
        published.push(...batch);
        await projector.publish(batch);
      }
      for (const r of received)
        await eventually(() => r.hasAll(published), 'all 1,000 updates', 60_000);
    } finally {
      await fixture.close();
    }
  });

  it('a gateway that restarts resumes receiving, from the latest update', async () => {
    const fixture = topicFixture();
    try {
      const projector = await fixture.open();
      const before = new Received();
      const first = await fixture.open({ instanceId: 'gw-restart' });
      await first.subscribe(before.handler).ready;
      const u1 = update('c1');
      await projector.publish([u1]);
      await eventually(() => before.has(u1), 'u1');
      await first.close(); // the gateway stops
      const whileDown = update('c1');
      await projector.publish([whileDown]);
      const after = new Received();
      const restarted = await fixture.open({ instanceId: 'gw-restart' });
      await restarted.subscribe(after.handler).ready;
      const u3 = update('c1');
      await projector.publish([u3]);
      await eventually(() => after.has(u3), 'u3 after the restart');
      await sleep(fixture.quietMs);
      expect(after.has(whileDown)).toBe(false); // live only: clients `sync` what they missed
    } finally {
      await fixture.close();
    }
  });

  it('ready rejects when the broker cannot be reached', async () => {
    await expect(
      KafkaUpdateBus.connect({
        brokers: ['127.0.0.1:1'],
        logger: pino({ level: 'silent' }),
        connectRetries: 1,
      }),
    ).rejects.toThrow();
  });

  it('ready rejects when the group cannot be joined in time', async () => {
    const fixture = topicFixture({ readyTimeoutMs: 1 });
    try {
      const bus = await fixture.open();
      await expect(bus.subscribe(() => undefined).ready).rejects.toThrow(/not joined within/);
    } finally {
      await fixture.close();
    }
  });
});

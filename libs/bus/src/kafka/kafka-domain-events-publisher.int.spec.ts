import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import pino from 'pino';
import { RecordedEvent } from '../../../event-store/src/event-store.port';
import { eventually } from '../testing/wait';
import { headerText } from './kafka-client';
import { KafkaDomainEventsPublisher } from './kafka-domain-events-publisher';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const BROKERS = process.env.KAFKA_BROKERS?.split(',');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

if (!BROKERS) {
  process.stderr.write(
    'SKIPPED: Kafka domain-events publisher — set KAFKA_BROKERS (npm run infra:up)\n',
  );
  describe('KafkaDomainEventsPublisher', () =>
    it.skip('needs a Kafka broker (KAFKA_BROKERS)', () => {}));
}
const describeKafka = BROKERS ? describe : () => undefined;

const event = (streamId: string, revision: number): RecordedEvent => ({
  streamId,
  revision,
  position: String(revision).padStart(20, '0'),
  type: 'MessageSent',
  data: { seq: revision + 1, body: `hello ${revision}` },
  metadata: {
    eventId: randomUUID(),
    schemaVersion: 1,
    correlationId: 'corr',
    causationId: 'cause',
    actor: 'alice',
    timestamp: '2025-01-01T00:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
  },
});

describeKafka('KafkaDomainEventsPublisher', () => {
  jest.setTimeout(60_000);

  it('publishes every event keyed by stream, in revision order per stream, with the schema headers', async () => {
    const topic = `test-domain-events-${process.pid}-${randomUUID().slice(0, 8)}`;
    const publisher = await KafkaDomainEventsPublisher.connect({
      brokers: BROKERS!,
      logger,
      topic,
      partitions: 3,
    });
    const kafka = new Kafka({ brokers: BROKERS!, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 200 });
    const received: KafkaMessage[] = [];
    try {
      const events = [0, 1, 2, 3].flatMap((r) => [
        event('conversation-a', r),
        event('conversation-b', r),
      ]);
      await publisher.publish(events);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
      await eventually(() => received.length === events.length, 'every event', 30_000);
      for (const stream of ['conversation-a', 'conversation-b']) {
        const mine = received.filter((m) => m.key?.toString() === stream);
        const values = mine.map((m) => JSON.parse(m.value!.toString()));
        expect(values.map((v) => v.revision)).toEqual([0, 1, 2, 3]);
        expect(values[0]).toEqual(events.find((e) => e.streamId === stream && e.revision === 0));
      }
      expect(headerText(received[0].headers, 'schema-version')).toBe('1');
      expect(headerText(received[0].headers, 'event-type')).toBe('MessageSent');
      expect(headerText(received[0].headers, 'content-type')).toBe('application/json');
    } finally {
      await consumer.disconnect();
      await publisher.close();
    }
  });
});

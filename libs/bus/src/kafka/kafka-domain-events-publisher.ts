import { Admin, Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { RecordedEvent } from '../../../event-store/src/event-store.port';
import { createKafka, ensureTopic, idempotentProducer } from './kafka-client';

export interface KafkaDomainEventsPublisherOptions {
  brokers: string[];
  logger: Logger;
  /** Default `domain-events`. */
  topic?: string;
  /** Partitions when the topic is created. Default 12. */
  partitions?: number;
  replicationFactor?: number;
  connectRetries?: number;
}

/** Schema version of the `domain-events` messages (docs/asyncapi.yaml, channel `domainEvents`). */
export const DOMAIN_EVENT_SCHEMA_VERSION = '1';

/**
 * Every stored event, for the analysts' own consumers (the topic's retention is the broker's
 * default unless set on the topic: the event store, not Kafka, is the source of truth).
 * Guarantees: keyed by stream id, so one stream's events share a partition and stay in
 * revision order; `publish` is one idempotent send (acks all) of all its events, resolving
 * once they are stored; called again with the same events after a crash, it publishes them
 * again (at-least-once: consumers dedupe by `metadata.eventId` or by stream and revision).
 */
export class KafkaDomainEventsPublisher {
  readonly topic: string;

  private constructor(
    private readonly admin: Admin,
    private readonly producer: Producer,
    topic: string,
  ) {
    this.topic = topic;
  }

  static async connect(
    options: KafkaDomainEventsPublisherOptions,
  ): Promise<KafkaDomainEventsPublisher> {
    const kafka: Kafka = createKafka({ ...options, clientId: 'chat-domain-events' });
    const topic = options.topic ?? 'domain-events';
    const admin = kafka.admin();
    await admin.connect();
    const producer = idempotentProducer(kafka);
    try {
      await ensureTopic(admin, {
        topic,
        partitions: options.partitions ?? 12,
        replicationFactor: options.replicationFactor,
      });
      await producer.connect();
    } catch (err) {
      await admin.disconnect();
      throw err;
    }
    return new KafkaDomainEventsPublisher(admin, producer, topic);
  }

  async publish(events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.send({ topic: this.topic, acks: -1, messages: events.map(toMessage) });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}

function toMessage(event: RecordedEvent): Message {
  const { streamId, revision, position, type, data, metadata } = event;
  return {
    key: streamId,
    value: JSON.stringify({ streamId, revision, position, type, data, metadata }),
    headers: {
      'schema-version': DOMAIN_EVENT_SCHEMA_VERSION,
      'content-type': 'application/json',
      'event-type': type,
    },
  };
}

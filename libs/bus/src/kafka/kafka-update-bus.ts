import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Admin, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { ProjectionUpdate } from '../../../domain/src';
import { BusSubscription, UpdateBus } from '../update-bus.port';
import { createKafka, ensureTopic, idempotentProducer } from './kafka-client';
import { KafkaUpdateSubscription } from './kafka-update-subscription';
import { encodeUpdate } from './update-codec';

export interface KafkaUpdateBusOptions {
  brokers: string[];
  logger: Logger;
  /** Default `projection-updates`. */
  topic?: string;
  /** Partitions when the topic is created (an existing topic keeps its own). Default 12. */
  partitions?: number;
  /** -1 (default): the broker's default. */
  replicationFactor?: number;
  /** How long the topic keeps updates (live only: they are replayed from the read models). Default 1 h. */
  retentionMs?: number;
  /**
   * Names this process's consumer groups (`<groupPrefix>-<instanceId>-<n>`). Default: host
   * name plus a random suffix, so every start is a new group that begins at the latest update.
   */
  instanceId?: string;
  /** Default `gateway`. */
  groupPrefix?: string;
  /** A subscription not joined by then rejects its `ready`. Default 30 s. */
  readyTimeoutMs?: number;
  /** See KafkaClientOptions.connectRetries. */
  connectRetries?: number;
}

/**
 * UpdateBus on Kafka (guarantees: update-bus.port.ts). Publishing: an idempotent producer,
 * each `publish` ONE send of all its updates (acks all), keyed by conversation so each
 * conversation stays on one partition, in order. Delivery: broadcast, every subscription is
 * a consumer group of its own reading every partition (docs/capacity.md says why, and up to
 * what rate). `connect` creates the topic if needed; the producer connects on first publish,
 * so a gateway that only subscribes never opens one.
 */
export class KafkaUpdateBus implements UpdateBus {
  private producer?: Promise<Producer>;
  private readonly subscriptions = new Set<KafkaUpdateSubscription>();
  private subscribed = 0;
  private closing?: Promise<void>;
  readonly topic: string;
  readonly instanceId: string;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: KafkaUpdateBusOptions,
  ) {
    this.topic = options.topic ?? 'projection-updates';
    this.instanceId = options.instanceId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
  }

  static async connect(options: KafkaUpdateBusOptions): Promise<KafkaUpdateBus> {
    const kafka = createKafka({ ...options, clientId: 'chat-update-bus' });
    const admin = kafka.admin();
    await admin.connect();
    const bus = new KafkaUpdateBus(kafka, admin, options);
    try {
      await ensureTopic(admin, {
        topic: bus.topic,
        partitions: options.partitions ?? 12,
        replicationFactor: options.replicationFactor,
        configEntries: [{ name: 'retention.ms', value: String(options.retentionMs ?? 3_600_000) }],
      });
    } catch (err) {
      await admin.disconnect();
      throw err;
    }
    return bus;
  }

  async publish(updates: ProjectionUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    if (this.closing) throw new Error('KafkaUpdateBus is closed');
    const producer = await this.connectedProducer();
    await producer.send({ topic: this.topic, acks: -1, messages: updates.map(encodeUpdate) });
  }

  subscribe(handler: (update: ProjectionUpdate) => void): BusSubscription {
    if (this.closing) throw new Error('KafkaUpdateBus is closed');
    const groupId = `${this.options.groupPrefix ?? 'gateway'}-${this.instanceId}-${++this.subscribed}`;
    const subscription = new KafkaUpdateSubscription(
      this.kafka,
      this.admin,
      {
        topic: this.topic,
        groupId,
        readyTimeoutMs: this.options.readyTimeoutMs ?? 30_000,
        logger: this.options.logger,
      },
      handler,
    );
    this.subscriptions.add(subscription);
    return {
      ready: subscription.ready,
      close: async () => {
        await subscription.close();
        this.subscriptions.delete(subscription);
      },
    };
  }

  /** Closes the subscriptions, then the producer (its sends finished) and the admin client. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      const producer = await this.producer?.catch(() => undefined);
      await producer?.disconnect();
      await this.admin.disconnect();
    })();
    return this.closing;
  }

  /** Connects once; a failed connect is retried by the next publish. */
  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const connecting = (async () => {
        const producer = idempotentProducer(this.kafka);
        await producer.connect();
        return producer;
      })();
      connecting.catch(() => this.producer === connecting && (this.producer = undefined));
      this.producer = connecting;
    }
    return this.producer;
  }
}

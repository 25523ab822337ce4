import { Admin, Kafka, logCreator, logLevel, Producer } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaClientOptions {
  /** host:port of one or more brokers (use 127.0.0.1, not localhost). */
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Connection attempts before a connect fails (kafkajs backs off between them). Default 5. */
  connectRetries?: number;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** -1: the broker's default. */
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

/**
 * Errors kafkajs logs at ERROR although nothing failed: on a fresh cluster the group
 * coordinator takes seconds to load, and kafkajs retries by itself (INFRA.md); creating a
 * topic that exists answers TOPIC_ALREADY_EXISTS, which ensureTopic expects. Logged at debug.
 */
const KNOWN_NOISE =
  /coordinator is loading|coordinator is not available|not the correct coordinator|Topic creation errors/i;

/** kafkajs logs → pino, one child per kafkajs namespace. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const child = { component: 'kafkajs', namespace, ...extra };
      const noise = KNOWN_NOISE.test(`${message} ${String(extra.error ?? '')}`);
      if (noise) logger.debug(child, message);
      else if (level === logLevel.ERROR) logger.error(child, message);
      else if (level === logLevel.WARN) logger.warn(child, message);
      else logger.debug(child, message);
    };
}

export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(options.logger),
    retry: { retries: options.connectRetries ?? 5 },
  });
}

/**
 * The producer every publisher uses. Idempotent, with the constraints kafkajs documents for
 * it: at most one request in flight (so a retried request cannot overtake the next one), and
 * every send with acks -1 (all in-sync replicas); retries are left at kafkajs's default for
 * idempotence (unbounded: a send waits out a broker outage instead of failing). The broker
 * then drops the duplicates a retry would write: one copy of each message, in send order.
 */
export function idempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
}

/**
 * Creates the topic unless it exists: idempotent, also when several processes race (kafkajs
 * answers false on TOPIC_ALREADY_EXISTS). An existing topic keeps its partition count.
 */
export async function ensureTopic(admin: Admin, spec: TopicSpec): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor ?? -1,
        configEntries: spec.configEntries,
      },
    ],
  });
}

/** A header of a consumed message as text (kafkajs hands them back as Buffers). */
export function headerText(
  headers: Record<string, unknown> | undefined,
  name: string,
): string | undefined {
  const value = headers?.[name];
  if (value === undefined || value === null) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

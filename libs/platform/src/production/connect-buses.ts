import { KafkaUpdateBus } from '../../../bus/src/kafka/kafka-update-bus';
import { RedisSignalBus } from '../../../bus/src/redis/redis-signal-bus';
import { Logger } from '../logger';
import { EngineUnreachableError, withinTimeout } from './engine-unreachable.error';
import { kafkaProbe, redisProbe } from './engine-probes';

/** The projection-update bus on Kafka (topic ensured), with its readiness probe. */
export async function connectUpdateBus(brokers: string[], logger: Logger, timeoutMs: number) {
  const probe = kafkaProbe(brokers);
  try {
    await withinTimeout(probe.check(), timeoutMs);
    const updateBus = await withinTimeout(
      KafkaUpdateBus.connect({ brokers, logger, connectRetries: 2 }),
      timeoutMs,
    );
    return { updateBus, probe };
  } catch (err) {
    await probe.close().catch(() => undefined);
    throw new EngineUnreachableError('kafka', 'KAFKA_BROKERS', brokers.join(','), err);
  }
}

/** The gateways' signal bus on Redis pub/sub, with the readiness probe. */
export async function connectSignalBus(url: string, logger: Logger, timeoutMs: number) {
  const probe = redisProbe(url);
  try {
    await withinTimeout(probe.check(), timeoutMs);
    const signalBus = await withinTimeout(RedisSignalBus.connect({ url, logger }), timeoutMs);
    return { signalBus, probe };
  } catch (err) {
    await probe.close().catch(() => undefined);
    throw new EngineUnreachableError('redis', 'REDIS_URL', url, err);
  }
}

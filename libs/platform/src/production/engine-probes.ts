import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { HealthCheck } from '../health/health-check';

/**
 * Readiness probes of their own, apart from the adapters' connections, so that a probe asks the
 * engine itself (a metadata request, a PING) rather than the adapter's view of it.
 */
export interface Probe extends HealthCheck {
  close(): Promise<void>;
}

/** Kafka: the cluster's metadata (brokers and controller) answers. */
export function kafkaProbe(brokers: string[]): Probe {
  const kafka = new Kafka({
    clientId: 'chat-readiness',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1_500,
  });
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return {
    component: 'kafka',
    async check() {
      connected ??= admin.connect().catch((err: unknown) => {
        connected = undefined; // try to connect again on the next check
        throw err;
      });
      await connected;
      await admin.describeCluster();
    },
    close: () => admin.disconnect(),
  };
}

/** Redis: PING answers PONG. The probe's connection never queues commands while down. */
export function redisProbe(url: string): Probe {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 1_000,
  });
  redis.on('error', () => undefined); // reported by check()
  return {
    component: 'redis',
    async check() {
      if (redis.status === 'wait') await redis.connect();
      const answer = await redis.ping();
      if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
    },
    close: async () => void redis.disconnect(),
  };
}

/** The command API (for a gateway): its liveness endpoint answers. */
export function commandApiProbe(baseUrl: string): HealthCheck {
  return {
    component: 'command-api',
    async check() {
      const res = await fetch(new URL('/health/live', baseUrl), {
        signal: AbortSignal.timeout(1_500),
      });
      if (res.status !== 200) throw new Error(`GET /health/live answered ${res.status}`);
    },
  };
}

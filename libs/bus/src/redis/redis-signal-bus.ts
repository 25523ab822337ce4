import Redis from 'ioredis';
import type { Logger } from 'pino';
import { BusSubscription, GatewaySignal, SignalBus } from '../update-bus.port';
import { decodeSignal, encodeSignal } from './signal-codec';

export interface RedisSignalBusOptions {
  url: string;
  logger: Logger;
  /** Pub/sub channel every gateway shares. Default `gateway-signals`. */
  channel?: string;
}

/**
 * SignalBus on Redis pub/sub (guarantees: update-bus.port.ts). Every gateway publishes on and
 * subscribes to one channel: at-most-once, nothing stored (a gateway that is not subscribed,
 * or whose connection is down, misses what is published meanwhile). The publishing connection
 * queues nothing while disconnected: a signal that cannot be sent now is dropped, not sent late.
 * Each subscription has a dedicated connection (a subscribed Redis connection can do nothing
 * else); ioredis re-subscribes it after a reconnect.
 */
export class RedisSignalBus implements SignalBus {
  private readonly subscriptions = new Set<BusSubscription>();
  private closed = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  static async connect(options: RedisSignalBusOptions): Promise<RedisSignalBus> {
    const publisher = new Redis(options.url, { lazyConnect: true, enableOfflineQueue: false });
    publisher.on('error', (err) => options.logger.warn({ err }, 'redis signal publisher error'));
    await publisher.connect().catch((err) => {
      publisher.disconnect(); // stop ioredis's reconnect attempts
      throw err;
    });
    return new RedisSignalBus(publisher, options.channel ?? 'gateway-signals', options.logger);
  }

  publish(signal: GatewaySignal): void {
    if (this.closed) return;
    this.publisher
      .publish(this.channel, encodeSignal(signal))
      .catch((err) => this.logger.debug({ err }, 'signal dropped'));
  }

  subscribe(handler: (signal: GatewaySignal) => void): BusSubscription {
    if (this.closed) throw new Error('RedisSignalBus is closed');
    // SUBSCRIBE waits for the connection through at most 3 reconnect attempts, then `ready` fails.
    const connection = this.publisher.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: 3,
    });
    connection.on('error', (err) => this.logger.warn({ err }, 'redis signal subscriber error'));
    let open = true;
    connection.on('message', (_channel: string, text: string) => {
      if (!open) return;
      const signal = decodeSignal(text);
      if (!signal) return void this.logger.warn({ text }, 'unreadable signal skipped');
      try {
        handler(signal);
      } catch (err) {
        this.logger.error({ err, what: 'signal-bus' }, 'subscriber threw; skipped');
      }
    });
    const ready = connection.subscribe(this.channel).then(
      () => undefined,
      (err) => {
        open = false;
        connection.disconnect();
        throw err;
      },
    );
    ready.catch(() => undefined); // a caller that never awaits it must not crash the process
    const subscription: BusSubscription = {
      ready,
      close: async () => {
        if (!open) return;
        open = false;
        this.subscriptions.delete(subscription);
        await connection.quit().catch(() => connection.disconnect());
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.publisher.quit().catch(() => this.publisher.disconnect());
  }
}

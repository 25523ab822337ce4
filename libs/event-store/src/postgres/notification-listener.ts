import { Client, ClientConfig } from 'pg';
import type { Logger } from 'pino';

export interface ListenerOptions {
  /** Connection settings of the dedicated client (never a pooled one: LISTEN is per session). */
  connection: ClientConfig;
  channel: string;
  /** Called on every notification, and once after each (re)connection. */
  onWake: () => void;
  logger: Logger;
  /** Reconnection backoff bounds. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * LISTEN on one channel over a dedicated connection, kept alive: when the connection is lost
 * it reconnects with exponential backoff (with jitter) until closed. Notifications sent while
 * it was away are gone, so after every (re)connection it calls `onWake` once: readers then read
 * from their cursor, which covers whatever they missed.
 */
export class NotificationListener {
  /** Resolves when first listening; rejects if the first connection fails. */
  readonly ready: Promise<void>;
  private client?: Client;
  private closed = false;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly options: ListenerOptions) {
    this.ready = this.connect();
    this.ready.catch(() => undefined);
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.options.connection);
    // Only the active client reconnects when lost: a client still connecting fails through
    // the connect() promise instead.
    const onLost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.options.logger.warn({ err }, 'event notifications: connection lost; reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onWake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.options.onWake();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const { minRetryMs = 100, maxRetryMs = 5_000 } = this.options;
    const delay = Math.min(maxRetryMs, minRetryMs * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((err) => {
        if (this.closed) return;
        this.options.logger.warn(
          { err, attempt: this.failures },
          'event notifications: reconnect failed',
        );
        this.scheduleReconnect();
      });
    }, delay);
  }
}

import type { Logger } from 'pino';
import { BusSubscription } from '../update-bus.port';

/**
 * Synchronous fan-out to a set of handlers. A throwing handler is logged and skipped: it
 * must not break the other subscribers nor the publisher. Subscriptions may be closed (or
 * added) while a delivery is running; the delivery uses the set as it was at its start.
 */
export class FanOut<T> {
  private handlers = new Set<(item: T) => void>();

  constructor(
    private readonly logger: Pick<Logger, 'error'> | undefined,
    private readonly what: string,
  ) {}

  /** Ready at once: the next delivery already includes the handler. */
  add(handler: (item: T) => void): BusSubscription {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (item: T): void => handler(item);
    this.handlers.add(entry);
    return {
      ready: Promise.resolve(),
      close: async () => void this.handlers.delete(entry),
    };
  }

  deliver(item: T): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(item);
      } catch (err) {
        this.logger?.error({ err, what: this.what }, 'subscriber threw; skipped');
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }

  get size(): number {
    return this.handlers.size;
  }
}

import type { Logger } from 'pino';
import { Signal, startCatchUp } from './catch-up-subscription';
import { RecordedEvent, Subscription } from './event-store.port';

/**
 * The catch-up subscriptions of one store: each gets its own wake-up signal, which the store
 * fires (notifyAll) once new events are durable, so live delivery does not wait for a poll.
 */
export class LiveSubscriptions {
  private readonly active = new Map<Subscription, Signal>();

  constructor(
    private readonly readPage: (after: number, maxCount: number) => Promise<RecordedEvent[]>,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  subscribe(after: number, handler: (event: RecordedEvent) => Promise<void> | void): Subscription {
    const signal = new Signal();
    const { readPage, pollIntervalMs, logger } = this;
    const inner = startCatchUp({ after, readPage, signal, pollIntervalMs, logger }, handler);
    const subscription: Subscription = {
      caughtUp: inner.caughtUp,
      stop: async () => {
        await inner.stop();
        this.active.delete(subscription);
      },
    };
    this.active.set(subscription, signal);
    return subscription;
  }

  notifyAll(): void {
    for (const signal of this.active.values()) signal.notify();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.active.keys()].map((s) => s.stop()));
  }
}

import type { Logger } from 'pino';
import { CatchUpPage, WakeUp, startCatchUp } from './catch-up-subscription';
import { EventFilter, Position, RecordedEvent, Subscription } from './event-store.port';

/**
 * The catch-up subscriptions of one store: each gets its own wake-up signal, which the store
 * fires (notifyAll) once new events are durable, so live delivery does not wait for a poll.
 */
export class LiveSubscriptions {
  private readonly active = new Map<Subscription, WakeUp>();

  constructor(
    private readonly readPage: (
      after: Position,
      maxCount: number,
      filter?: EventFilter,
    ) => Promise<CatchUpPage>,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  subscribe(
    after: Position,
    filter: EventFilter | undefined,
    handler: (event: RecordedEvent) => Promise<void> | void,
  ): Subscription {
    const signal = new WakeUp();
    const { pollIntervalMs, logger } = this;
    const readPage = (from: Position, maxCount: number) => this.readPage(from, maxCount, filter);
    const inner = startCatchUp({ after, readPage, signal, pollIntervalMs, logger }, handler);
    const subscription: Subscription = {
      ready: inner.ready,
      caughtUp: inner.caughtUp,
      get committed() {
        return inner.committed;
      },
      commit: (position) => inner.commit(position),
      close: async () => {
        await inner.close();
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
    await Promise.all([...this.active.keys()].map((s) => s.close()));
  }
}

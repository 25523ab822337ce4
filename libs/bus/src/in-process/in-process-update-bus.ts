import type { Logger } from 'pino';
import { ProjectionUpdate } from '../../../domain/src';
import { BusSubscription, UpdateBus } from '../update-bus.port';
import { FanOut } from './fan-out';

/**
 * UpdateBus inside one process (embedded mode). `publish` hands every update to every
 * subscriber synchronously, in publish order, before it resolves: nothing is buffered,
 * so nothing is lost while the process lives. After close, publish is a no-op.
 */
export class InProcessUpdateBus implements UpdateBus {
  private readonly fanOut: FanOut<ProjectionUpdate>;
  private closed = false;

  constructor(logger?: Pick<Logger, 'error'>) {
    this.fanOut = new FanOut(logger, 'update-bus');
  }

  async publish(updates: ProjectionUpdate[]): Promise<void> {
    if (this.closed) return;
    for (const update of updates) this.fanOut.deliver(update);
  }

  subscribe(handler: (update: ProjectionUpdate) => void): BusSubscription {
    return this.fanOut.add(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fanOut.clear();
  }
}

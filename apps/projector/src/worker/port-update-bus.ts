import type { MessagePort } from 'node:worker_threads';
import { ProjectionUpdate } from '../../../../libs/domain/src';
import { BusSubscription, UpdateBus } from '../../../../libs/bus/src/update-bus.port';
import { lagSeconds } from '../projection-lag';
import { FromProjectorWorker } from './worker-protocol';

/**
 * The worker side of the update bus: each published batch is ONE message to the main thread,
 * which republishes it on the in-process bus the gateway listens to. Lag observations ride
 * along with the batch they belong to (the projector observes, then publishes in the same
 * turn); a batch without updates sends its lags on its own on the next turn.
 */
export class PortUpdateBus implements UpdateBus {
  private lags: number[] = [];
  private flushQueued = false;
  private closed = false;

  constructor(private readonly port: Pick<MessagePort, 'postMessage'>) {}

  /** For ProjectorDeps.observeLag. */
  readonly observeLag = (timestamps: string[]): void => {
    this.lags.push(...lagSeconds(timestamps));
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      if (this.lags.length > 0) this.post({ type: 'lags', lags: this.takeLags() });
    });
  };

  async publish(updates: ProjectionUpdate[]): Promise<void> {
    this.post({ type: 'updates', updates, lags: this.takeLags() });
  }

  subscribe(): BusSubscription {
    throw new Error('the projector worker only publishes; subscribe on the main thread');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private takeLags(): number[] {
    const lags = this.lags;
    this.lags = [];
    return lags;
  }

  private post(message: FromProjectorWorker): void {
    if (!this.closed) this.port.postMessage(message);
  }
}

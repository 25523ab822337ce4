import type { Logger } from 'pino';
import { Signal, SignalBus, Unsubscribe } from '../update-bus.port';
import { FanOut } from './fan-out';

/** SignalBus inside one process: synchronous, at-most-once, never stored. */
export class InProcessSignalBus implements SignalBus {
  private readonly fanOut: FanOut<Signal>;
  private closed = false;

  constructor(logger?: Pick<Logger, 'error'>) {
    this.fanOut = new FanOut(logger, 'signal-bus');
  }

  publish(signal: Signal): void {
    if (!this.closed) this.fanOut.deliver(signal);
  }

  subscribe(handler: (signal: Signal) => void): Unsubscribe {
    return this.fanOut.add(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fanOut.clear();
  }
}

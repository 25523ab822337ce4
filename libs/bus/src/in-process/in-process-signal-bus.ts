import type { Logger } from 'pino';
import { BusSubscription, GatewaySignal, SignalBus } from '../update-bus.port';
import { FanOut } from './fan-out';

/** SignalBus inside one process: synchronous, at-most-once, never stored. */
export class InProcessSignalBus implements SignalBus {
  private readonly fanOut: FanOut<GatewaySignal>;
  private closed = false;

  constructor(logger?: Pick<Logger, 'error'>) {
    this.fanOut = new FanOut(logger, 'signal-bus');
  }

  publish(signal: GatewaySignal): void {
    if (!this.closed) this.fanOut.deliver(signal);
  }

  subscribe(handler: (signal: GatewaySignal) => void): BusSubscription {
    return this.fanOut.add(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fanOut.clear();
  }
}

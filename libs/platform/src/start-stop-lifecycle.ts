import {
  BeforeApplicationShutdown,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';

export interface StartStop {
  start(): Promise<void>;
  /** Must be idempotent: it runs before shutdown and again on shutdown. */
  stop(): Promise<void>;
}

/**
 * Ties a background service (a projector, a projector thread) to a Nest app: started once the
 * app has bootstrapped, stopped (and drained) in beforeApplicationShutdown, i.e. before any
 * onApplicationShutdown hook can close the stores under it; stopping again on shutdown is a no-op.
 */
export abstract class StartStopLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  protected constructor(private readonly service: StartStop) {}

  onApplicationBootstrap(): Promise<void> {
    return this.service.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.service.stop();
  }

  onApplicationShutdown(): Promise<void> {
    return this.service.stop();
  }
}

import type { Logger } from 'pino';
import { ProjectionUpdate } from '../../../libs/domain/src';
import { UpdateBus } from '../../../libs/bus/src/update-bus.port';
import {
  EventStore,
  RecordedEvent,
  START,
  Subscription,
  maxPosition,
} from '../../../libs/event-store/src/event-store.port';
import { ReadModelStore } from '../../../libs/read-models/src/read-model-store.port';
import { PositionedEvent, buildUpdates, loadSnapshot, toPositioned } from './batch-updates';
import { ProjectorMemberCache } from './projector-member-cache';
import { observeLag } from './projection-lag';

export interface ProjectorDeps {
  eventStore: EventStore;
  readModels: ReadModelStore;
  updateBus: UpdateBus;
  logger: Logger;
  /** Back-pressure: the subscription handler waits while this many events are queued. */
  maxQueuedEvents?: number;
  retryDelayMs?: number;
  /** Where lag observations go (default: this thread's chat_projection_lag_seconds). */
  observeLag?: (timestamps: string[]) => void;
  /** Told whenever `health()` changes (the worker forwards it to the main thread). */
  onHealthChange?: (failing: string | undefined) => void;
}

class StoppedWhileRetrying extends Error {}

/**
 * Follows the global log from the stored checkpoint and keeps the read models in step.
 * Events are applied in micro-batches (group commit): while one `apply` is in flight the
 * next events queue up, then all their ops go into one `apply(ops, lastPosition)`, so ops
 * and checkpoint commit together. Only after that commit are the batch's updates
 * published, so a consumer that queries on an update finds the data. Every op is
 * idempotent, which makes at-least-once delivery from the event store exactly-once in
 * effect. A crash between commit and publish loses those updates (clients recover them by
 * syncing); it never loses read-model data.
 */
export class Projector {
  private readonly maxQueued: number;
  private readonly retryDelayMs: number;
  private queue: RecordedEvent[] = [];
  private roomWaiters: (() => void)[] = [];
  private draining?: Promise<void>;
  private subscription?: Subscription;
  private stopping = false;
  private applied = START;
  /** Updates at or below this position were published before a rebuild; not again. */
  private republishUpTo = START;
  private caughtUpSignal = new CaughtUp();
  private readonly members: ProjectorMemberCache;
  private readonly observeLag: (timestamps: string[]) => void;
  /** Set while applying or publishing a batch keeps failing (it is being retried). */
  private failing?: string;

  constructor(private readonly deps: ProjectorDeps) {
    this.maxQueued = deps.maxQueuedEvents ?? 5_000;
    this.retryDelayMs = deps.retryDelayMs ?? 500;
    this.members = new ProjectorMemberCache(deps.readModels);
    this.observeLag = deps.observeLag ?? observeLag;
  }

  /** Global position of the last event whose read-model writes are committed. */
  get lastAppliedPosition(): string {
    return this.applied;
  }

  /**
   * Why the projector is not doing its job right now (not running, or a batch keeps failing),
   * or undefined: the `projector` readiness check.
   */
  health(): string | undefined {
    if (!this.subscription) return 'the projector is not running';
    return this.failing;
  }

  /** Resolves once everything stored when the subscription started has been applied. */
  get caughtUp(): Promise<void> {
    return this.caughtUpSignal.promise;
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    if (this.caughtUpSignal.done) this.caughtUpSignal = new CaughtUp();
    const checkpoint = await this.deps.readModels.getCheckpoint();
    this.applied = checkpoint;
    const subscription = this.deps.eventStore.subscribeToAll({ after: checkpoint }, (event) =>
      this.enqueue(event),
    );
    this.subscription = subscription;
    this.setFailing(undefined);
    const signal = this.caughtUpSignal;
    void subscription.caughtUp.then(() => this.idle()).then(() => signal.resolve());
    this.deps.logger.info({ checkpoint }, 'projector started');
  }

  /** Stops delivery, then applies and publishes what is already queued. */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    if (!subscription) return;
    this.stopping = true;
    try {
      await subscription.close();
      await this.idle();
    } finally {
      this.subscription = undefined;
      this.stopping = false;
      this.deps.onHealthChange?.(this.health());
    }
    this.deps.logger.info({ position: this.applied }, 'projector stopped');
  }

  /** Rebuilds every read model from the log's start (after a projection change or corruption). */
  async rebuild(): Promise<void> {
    await this.stop();
    const previous = maxPosition(this.applied, await this.deps.readModels.getCheckpoint());
    this.republishUpTo = maxPosition(this.republishUpTo, previous);
    await this.deps.readModels.clear();
    this.members.clear();
    this.applied = START;
    this.deps.logger.info({ previous }, 'projector rebuilding from the start of the log');
    await this.start();
  }

  private async enqueue(event: RecordedEvent): Promise<void> {
    this.queue.push(event);
    this.kick();
    if (this.queue.length >= this.maxQueued)
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // An event may have been queued between the loop's last check and this callback.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Let a burst of deliveries (a catch-up page) join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      this.releaseWaiters();
      try {
        await this.processBatch(batch);
      } catch (err) {
        // Only when stopping: drop the rest; the checkpoint was not advanced, so the next
        // start re-delivers them.
        this.deps.logger.warn(
          { err, from: batch[0].position },
          'projector stopped before applying a batch',
        );
        this.queue = [];
        this.releaseWaiters();
      }
    }
  }

  private releaseWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async processBatch(batch: RecordedEvent[]): Promise<void> {
    const lastPosition = batch[batch.length - 1].position;
    const { events, updates } = await this.retrying('apply', () =>
      this.applyBatch(batch, lastPosition),
    );
    this.applied = lastPosition;
    const fresh = (position: string) => position > this.republishUpTo;
    this.observeLag(events.filter((e) => fresh(e.position)).map((e) => e.timestamp));
    await this.publish(updates.filter((u) => fresh(u.position)));
    this.deps.logger.debug(
      { events: batch.length, lastPosition, updates: updates.length },
      'projected batch',
    );
  }

  /** One write transaction for the whole batch; unknown event types only move the checkpoint. */
  private async applyBatch(batch: RecordedEvent[], lastPosition: string) {
    const events = batch.map(toPositioned).filter((e): e is PositionedEvent => e !== undefined);
    const snapshot = await loadSnapshot(this.deps.readModels, events, this.members);
    const updates = buildUpdates(events, snapshot);
    const ops = events.flatMap((e) => e.ops);
    await this.deps.readModels.apply(ops, lastPosition);
    this.members.committed(ops);
    return { events, updates };
  }

  private async publish(updates: ProjectionUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    try {
      await this.retrying('publish', () => this.deps.updateBus.publish(updates));
    } catch (err) {
      this.deps.logger.error({ err, updates: updates.length }, 'projection updates not published');
    }
  }

  /** Retries until success; a failure while stopping gives up instead of blocking stop(). */
  private async retrying<T>(what: string, action: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await action();
        if (attempt > 1) this.setFailing(undefined);
        return result;
      } catch (err) {
        if (this.stopping)
          throw new StoppedWhileRetrying(`${what} failed while stopping: ${String(err)}`);
        this.deps.logger.error({ err, attempt }, `projector ${what} failed; retrying`);
        if (attempt === 1)
          this.setFailing(`${what} failing since ${new Date().toISOString()}: ${String(err)}`);
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      }
    }
  }

  private setFailing(failing: string | undefined): void {
    if (failing === this.failing) return;
    this.failing = failing;
    this.deps.onHealthChange?.(this.health());
  }
}

/** A promise with its resolver, remembering whether it fired. */
class CaughtUp {
  done = false;
  resolve!: () => void;
  readonly promise = new Promise<void>((resolve) => {
    this.resolve = () => {
      this.done = true;
      resolve();
    };
  });
}

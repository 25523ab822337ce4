import type { Logger } from 'pino';
import type { Worker } from 'node:worker_threads';
import { UpdateBus } from '../../../../libs/bus/src/update-bus.port';
import { projectionLag } from '../projection-lag';
import { spawnProjectorWorker } from './spawn-projector-worker';
import { WakeSignal } from './wake-signal';
import { FromProjectorWorker, ProjectorWorkerInit } from './worker-protocol';

export interface ProjectorThreadDeps {
  init: Omit<ProjectorWorkerInit, 'wakeSignal'>;
  /** The writer event store's durability hook (LmdbEventStore.onDurable). */
  onDurable(listener: () => void): () => void;
  /** The in-process bus the gateway subscribes to; worker batches are republished on it. */
  updateBus: UpdateBus;
  /** Renews this thread's read-model snapshot, so a consumer that queries on an update finds its data. */
  refreshReadModels(): void;
  logger: Logger;
  /** First restart delay after a crash; doubles up to 30 s while the worker keeps failing to start. */
  restartDelayMs?: number;
  stopTimeoutMs?: number;
}

/**
 * Main-thread handle of the projector worker (embedded mode): starts it, wakes it when appends
 * are durable, republishes its update batches in order, feeds its lag observations into this
 * thread's chat_projection_lag_seconds, and restarts it when it dies (projection resumes from
 * the checkpoint; updates of a batch committed but not yet posted are lost, as after a crash,
 * and clients recover them by syncing).
 */
export class ProjectorThread {
  private worker?: Worker;
  private stopping = false;
  /** Once a worker has started, later failures restart it instead of failing start(). */
  private everStarted = false;
  private restartTimer?: NodeJS.Timeout;
  private restartDelayMs: number;
  private readonly wakes = new WakeSignal();
  private unsubscribeDurable?: () => void;

  constructor(private readonly deps: ProjectorThreadDeps) {
    this.restartDelayMs = deps.restartDelayMs ?? 500;
  }

  /** Resolves once the worker's projector started; rejects if the first worker dies before. */
  async start(): Promise<void> {
    if (this.worker) return;
    this.stopping = false;
    this.unsubscribeDurable = this.deps.onDurable(this.wakes.bump);
    await this.launch();
  }

  /** Stops the worker's projector (it drains, publishes, closes its stores) and waits for exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.unsubscribeDurable?.();
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' });
    const timer = setTimeout(() => {
      this.deps.logger.warn('projector worker did not stop in time; terminating it');
      void worker.terminate();
    }, this.deps.stopTimeoutMs ?? 10_000);
    await exited;
    clearTimeout(timer);
  }

  private launch(): Promise<void> {
    const worker = spawnProjectorWorker({
      ...this.deps.init,
      wakeSignal: this.wakes.buffer,
    });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromProjectorWorker) => {
        if (message.type === 'started') {
          this.everStarted = true;
          this.restartDelayMs = this.deps.restartDelayMs ?? 500;
          this.deps.logger.info({ checkpoint: message.checkpoint }, 'projector worker started');
          resolve();
        } else this.received(message);
      });
      worker.on('error', (err) => this.deps.logger.error({ err }, 'projector worker failed'));
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        if (this.stopping) return resolve();
        if (!this.everStarted)
          return reject(new Error(`projector worker exited (${code}) before starting`));
        resolve(); // settles a restart's launch; the next attempt is scheduled below
        this.scheduleRestart(code);
      });
    });
  }

  private received(message: Exclude<FromProjectorWorker, { type: 'started' }>): void {
    for (const seconds of message.lags) projectionLag.observe(seconds);
    if (message.type !== 'updates') return;
    this.deps.refreshReadModels();
    this.deps.updateBus
      .publish(message.updates)
      .catch((err: unknown) => this.deps.logger.error({ err }, 'republishing updates failed'));
  }

  private scheduleRestart(code: number): void {
    const delayMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(30_000, delayMs * 2);
    this.deps.logger.error({ code, delayMs }, 'projector worker exited; restarting it');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      try {
        void this.launch();
      } catch (err) {
        this.deps.logger.error({ err }, 'projector worker could not be spawned');
        this.scheduleRestart(-1);
      }
    }, delayMs);
  }
}

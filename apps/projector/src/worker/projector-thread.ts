import type { Logger } from 'pino';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { UpdateBus } from '../../../../libs/bus/src/update-bus.port';
import { projectionLag } from '../projection-lag';
import { spawnProjectorWorker } from './spawn-projector-worker';
import { WakeSignal } from './wake-signal';
import { FromProjectorWorker, HEARTBEAT_MS, ProjectorWorkerInit } from './worker-protocol';

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
  /** The worker's heap limits (PROJECTOR_MAX_OLD_SPACE_MB); over them it dies and is restarted. */
  resourceLimits?: ResourceLimits;
  /** A running worker silent this long (no heartbeat, no batch) is reported hung. Default 5 s. */
  unresponsiveAfterMs?: number;
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
  /** A worker has said `started` and not exited since. */
  private running = false;
  /** The running worker's projector health (its `health` messages). */
  private workerFailing?: string;
  private lastExit?: { code: number; at: string; restartInMs: number; error?: string };
  /** When the running worker last posted anything (its heartbeat at least every HEARTBEAT_MS). */
  private lastHeard = 0;
  private reportedHung = false;
  private lastError?: string;

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

  /**
   * Why projection is not happening right now, or undefined: no worker runs (it died, and the
   * restart is pending or starting), or the worker's projector reports a failure (its batches
   * keep failing, or it is not running). The `projector` readiness check.
   */
  health(): string | undefined {
    if (this.running) {
      const silentMs = Date.now() - this.lastHeard;
      if (silentMs <= (this.deps.unresponsiveAfterMs ?? 5 * HEARTBEAT_MS))
        return this.workerFailing;
      if (!this.reportedHung) {
        this.reportedHung = true;
        this.deps.logger.error(
          { silentMs },
          "projector worker unresponsive (a worker terminated inside an lmdb-js transaction can hang in its cleanup, holding the read models' write lock: only a process restart frees it)",
        );
      }
      return `the projector worker has not answered for ${silentMs} ms (hung)`;
    }
    if (this.stopping) return 'the projector worker is stopped';
    const exit = this.lastExit;
    if (!exit) return 'the projector worker is starting';
    const why = exit.error ? `: ${exit.error}` : '';
    return `the projector worker exited (code ${exit.code}${why}) at ${exit.at}; restarting it in ${exit.restartInMs} ms`;
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
    const stopTimeoutMs = this.deps.stopTimeoutMs ?? 10_000;
    let giveUp: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      this.deps.logger.warn('projector worker did not stop in time; terminating it');
      void worker.terminate();
      // A worker stuck in lmdb-js's cleanup never exits: do not hold the shutdown for it.
      giveUp = setTimeout(() => {
        this.deps.logger.error(
          'projector worker did not exit after terminate; going on without it',
        );
        worker.unref();
        worker.emit('exit', -1);
      }, stopTimeoutMs / 2);
    }, stopTimeoutMs);
    await exited;
    clearTimeout(timer);
    clearTimeout(giveUp);
  }

  private launch(): Promise<void> {
    const worker = spawnProjectorWorker(
      { ...this.deps.init, wakeSignal: this.wakes.buffer },
      this.deps.resourceLimits,
    );
    this.worker = worker;
    this.workerFailing = undefined;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromProjectorWorker) => {
        this.lastHeard = Date.now();
        this.reportedHung = false;
        if (message.type === 'alive') return;
        if (message.type === 'started') {
          this.running = true;
          this.everStarted = true;
          this.restartDelayMs = this.deps.restartDelayMs ?? 500;
          this.deps.logger.info({ checkpoint: message.checkpoint }, 'projector worker started');
          resolve();
        } else this.received(message);
      });
      worker.on('error', (err) => {
        this.lastError = err.message;
        this.deps.logger.error({ err }, 'projector worker failed');
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        this.running = false;
        if (this.stopping) return resolve();
        if (!this.everStarted)
          return reject(new Error(`projector worker exited (${code}) before starting`));
        resolve(); // settles a restart's launch; the next attempt is scheduled below
        this.scheduleRestart(code);
      });
    });
  }

  private received(message: Exclude<FromProjectorWorker, { type: 'started' | 'alive' }>): void {
    if (message.type === 'health') {
      this.workerFailing = message.failing;
      return;
    }
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
    const error = this.lastError;
    this.lastError = undefined;
    this.lastExit = { code, at: new Date().toISOString(), restartInMs: delayMs, error };
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

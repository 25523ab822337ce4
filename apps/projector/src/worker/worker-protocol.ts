import { ProjectionUpdate } from '../../../../libs/domain/src';

/** What the main thread hands a projector worker (workerData). */
export interface ProjectorWorkerInit {
  dataDir: string;
  logLevel: string;
  /** WakeSignal buffer: bumped by the main thread whenever appends became durable. */
  wakeSignal: SharedArrayBuffer;
}

/** Main thread → worker. */
export type ToProjectorWorker =
  /** Stop projecting (draining what is queued), close the stores, exit. */
  { type: 'stop' };

/** Worker → main thread. */
export type FromProjectorWorker =
  | { type: 'started'; checkpoint: string }
  /** One published batch, committed to the read models, with the lag of its events (s). */
  | { type: 'updates'; updates: ProjectionUpdate[]; lags: number[] }
  /** Lag observations of a batch that published nothing. */
  | { type: 'lags'; lags: number[] }
  /** The projector's health changed (Projector.health(): undefined when it does its job). */
  | { type: 'health'; failing?: string }
  /** Every HEARTBEAT_MS while the worker's event loop turns. */
  | { type: 'alive' };

/** How often the worker says it is alive. */
export const HEARTBEAT_MS = 1_000;

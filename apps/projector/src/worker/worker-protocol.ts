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
  | { type: 'lags'; lags: number[] };

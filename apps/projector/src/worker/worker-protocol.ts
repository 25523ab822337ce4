import { ProjectionUpdate } from '../../../../libs/domain/src';

/** What the main thread hands a projector worker (workerData). */
export interface ProjectorWorkerInit {
  dataDir: string;
  logLevel: string;
}

/** Main thread → worker. */
export type ToProjectorWorker =
  /** Appends became durable: read the event log now instead of at the next poll. */
  | { type: 'wake' }
  /** Stop projecting (draining what is queued), close the stores, exit. */
  | { type: 'stop' };

/** Worker → main thread. */
export type FromProjectorWorker =
  | { type: 'started'; checkpoint: number }
  /** One published batch, committed to the read models, with the lag of its events (s). */
  | { type: 'updates'; updates: ProjectionUpdate[]; lags: number[] }
  /** Lag observations of a batch that published nothing. */
  | { type: 'lags'; lags: number[] };

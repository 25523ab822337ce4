import { envCount } from '../config';
/** Readiness and storage-guard settings of the embedded process (environment, read once). */
export interface HealthSettings {
  /**
   * PROJECTION_LAG_READY_BOUND_MS (default 10 000; 0 = no check): readiness fails while the
   * oldest event not yet projected is older than this.
   */
  projectionLagBoundMs: number;
  /**
   * DATA_DIR_MIN_FREE_MB (default 64; 0 = no guard): the event store refuses appends while the
   * data directory's file system has less free space than this.
   */
  minFreeBytes: number;
}

export function loadHealthSettings(env: NodeJS.ProcessEnv = process.env): HealthSettings {
  return {
    projectionLagBoundMs: envCount(
      env.PROJECTION_LAG_READY_BOUND_MS,
      10_000,
      'PROJECTION_LAG_READY_BOUND_MS',
    ),
    minFreeBytes: envCount(env.DATA_DIR_MIN_FREE_MB, 64, 'DATA_DIR_MIN_FREE_MB') * 1024 * 1024,
  };
}

import type { ResourceLimits } from 'node:worker_threads';

/**
 * PROJECTOR_MAX_OLD_SPACE_MB: the projector worker's heap limit (its old generation, in MiB).
 * Unset: Node's default. Over it the worker dies (ERR_WORKER_OUT_OF_MEMORY) instead of taking
 * the whole process's memory; the main thread restarts it and readiness names `projector`.
 */
export function workerResourceLimits(
  env: NodeJS.ProcessEnv = process.env,
): ResourceLimits | undefined {
  const value = env.PROJECTOR_MAX_OLD_SPACE_MB;
  if (value === undefined || value === '') return undefined;
  const mb = Number(value);
  if (!Number.isInteger(mb) || mb <= 0)
    throw new Error(`PROJECTOR_MAX_OLD_SPACE_MB must be a positive integer, got "${value}"`);
  return { maxOldGenerationSizeMb: mb };
}

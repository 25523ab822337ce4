/**
 * Where the embedded (all-in-one) process runs its projector: `worker` (default) on a
 * worker thread, so projection uses another core than HTTP/WebSocket; `inline` on the main
 * thread, as before (kept for benchmarks and for tests that drive the projector directly).
 */
export type ProjectorThreadMode = 'worker' | 'inline';

/** Reads PROJECTOR_THREAD, failing fast on anything but `worker` or `inline`. */
export function projectorThreadMode(env: NodeJS.ProcessEnv = process.env): ProjectorThreadMode {
  const value = env.PROJECTOR_THREAD || 'worker';
  if (value !== 'worker' && value !== 'inline')
    throw new Error(`PROJECTOR_THREAD must be "worker" or "inline", got "${value}"`);
  return value;
}

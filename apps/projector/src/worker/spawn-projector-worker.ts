import { join } from 'node:path';
import { ResourceLimits, Worker } from 'node:worker_threads';
import { ProjectorWorkerInit } from './worker-protocol';

/**
 * Starts projector-worker on a new thread. From the built output (dist/…/*.js) the compiled
 * entry next to this file is loaded. From TypeScript sources (jest runs them through swc, and
 * a worker thread does not inherit that transform) the entry is bundled on the fly with
 * esbuild, a dev dependency, with the packages left to `require` as usual.
 */
export function spawnProjectorWorker(
  init: ProjectorWorkerInit,
  resourceLimits?: ResourceLimits,
): Worker {
  if (__filename.endsWith('.js'))
    return new Worker(join(__dirname, 'projector-worker.js'), { workerData: init, resourceLimits });
  return new Worker(bundledEntry(), { eval: true, workerData: init, resourceLimits });
}

let bundle: string | undefined;

function bundledEntry(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- dev-only, loaded on demand
  const esbuild = require('esbuild') as typeof import('esbuild');
  bundle ??= esbuild.buildSync({
    entryPoints: [join(__dirname, 'projector-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    write: false,
  }).outputFiles[0].text;
  return bundle;
}

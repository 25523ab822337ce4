import { join } from 'node:path';
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { EVENTS_DIR, READ_MODELS_DIR } from '../../../../libs/platform/src/data-dirs';
import { createLogger } from '../../../../libs/platform/src/logger';
import { LmdbReadModelStore } from '../../../../libs/read-models/src/lmdb/lmdb-read-model-store';
import { Projector } from '../projector';
import { PortUpdateBus } from './port-update-bus';
import { WakeSignal } from './wake-signal';
import { HEARTBEAT_MS, ProjectorWorkerInit, ToProjectorWorker } from './worker-protocol';

/**
 * Entry of the projector worker thread (started by ProjectorThread). The main thread owns the
 * event store's writes; this thread opens the same LMDB environment read-only and is the one
 * writer of the read models. It projects until told to stop, then closes its stores and lets
 * the thread end. An uncaught error ends the thread; the main thread logs it and restarts it,
 * and projection resumes from the stored checkpoint.
 */
async function run(port: MessagePort, init: ProjectorWorkerInit): Promise<void> {
  const logger = createLogger(init.logLevel, 'projector-worker');
  const eventStore = LmdbEventStore.open(join(init.dataDir, EVENTS_DIR), {
    readOnly: true,
    logger,
  });
  const readModels = LmdbReadModelStore.open(join(init.dataDir, READ_MODELS_DIR));
  const bus = new PortUpdateBus(port);
  const projector = new Projector({
    eventStore,
    readModels,
    updateBus: bus,
    logger: logger.child({ component: 'projector' }),
    observeLag: bus.observeLag,
    onHealthChange: (failing) => port.postMessage({ type: 'health', failing }),
  });

  let stopping = false;
  const wakes = new WakeSignal(init.wakeSignal);
  const heartbeat = setInterval(() => port.postMessage({ type: 'alive' }), HEARTBEAT_MS);
  const stop = async (): Promise<void> => {
    stopping = true;
    clearInterval(heartbeat);
    wakes.release();
    await projector.stop();
    const results = await Promise.allSettled([eventStore.close(), readModels.close()]);
    for (const r of results)
      if (r.status === 'rejected') logger.error({ err: r.reason }, 'closing a store failed');
    logger.flush();
    port.close(); // nothing else keeps this thread alive: it exits
  };
  port.on('message', (message: ToProjectorWorker) => {
    if (message.type === 'stop') void stop();
  });

  await projector.start();
  void wakes.follow(
    () => eventStore.wake(),
    () => stopping,
  );
  port.postMessage({ type: 'started', checkpoint: projector.lastAppliedPosition });
}

if (!parentPort) throw new Error('projector-worker runs on a worker thread (see ProjectorThread)');
const port = parentPort;
run(port, workerData as ProjectorWorkerInit).catch((err: unknown) => {
  // Rethrown outside the promise: an uncaught error ends the thread with its 'error' event.
  setImmediate(() => {
    throw err;
  });
});

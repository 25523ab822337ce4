import { Inject, Module, Optional } from '@nestjs/common';
import { StartStopLifecycle } from '../../../../libs/platform/src/start-stop-lifecycle';
import type { Logger } from 'pino';
import { UpdateBus } from '../../../../libs/bus/src/update-bus.port';
import { EventStore } from '../../../../libs/event-store/src/event-store.port';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { AppConfig } from '../../../../libs/platform/src/config';
import {
  APP_CONFIG,
  EVENT_STORE,
  LOGGER,
  READ_MODELS,
  UPDATE_BUS,
} from '../../../../libs/platform/src/tokens';
import { ReadModelStore } from '../../../../libs/read-models/src/read-model-store.port';
import { LmdbReadModelStore } from '../../../../libs/read-models/src/lmdb/lmdb-read-model-store';
import { ProjectorThread } from './projector-thread';
import { HEALTH_CHECKS, HealthCheck } from '../../../../libs/platform/src/health/health-check';
import { registerProjectorCheck } from '../projector-health';
import { workerResourceLimits } from './worker-heap-limit';

function projectorThread(
  config: AppConfig,
  eventStore: EventStore,
  readModels: ReadModelStore,
  updateBus: UpdateBus,
  logger: Logger,
): ProjectorThread {
  if (!(eventStore instanceof LmdbEventStore) || !(readModels instanceof LmdbReadModelStore))
    throw new Error('PROJECTOR_THREAD=worker needs the embedded LMDB stores');
  return new ProjectorThread({
    init: { dataDir: config.dataDir, logLevel: config.logLevel },
    onDurable: (listener) => eventStore.onDurable(listener),
    updateBus,
    refreshReadModels: () => readModels.refreshSnapshot(),
    logger: logger.child({ component: 'projector-thread' }),
    resourceLimits: workerResourceLimits(),
  });
}

/**
 * The embedded projector on a worker thread (PROJECTOR_THREAD=worker): this thread keeps the
 * event store's writes and the read-model queries, the worker projects. Expects the globals of
 * EmbeddedInfraModule. Like ProjectorModule, it stops the projector before any
 * onApplicationShutdown hook closes the stores.
 */
@Module({
  providers: [
    {
      provide: ProjectorThread,
      inject: [APP_CONFIG, EVENT_STORE, READ_MODELS, UPDATE_BUS, LOGGER],
      useFactory: projectorThread,
    },
  ],
})
export class ProjectorThreadModule extends StartStopLifecycle {
  constructor(
    @Inject(ProjectorThread) thread: ProjectorThread,
    @Optional() @Inject(HEALTH_CHECKS) checks?: HealthCheck[],
  ) {
    super(thread);
    registerProjectorCheck(checks, thread);
  }
}

import { Inject, Module, Optional } from '@nestjs/common';
import { StartStopLifecycle } from '../../../libs/platform/src/start-stop-lifecycle';
import type { Logger } from 'pino';
import { UpdateBus } from '../../../libs/bus/src/update-bus.port';
import { EventStore } from '../../../libs/event-store/src/event-store.port';
import { EVENT_STORE, LOGGER, READ_MODELS, UPDATE_BUS } from '../../../libs/platform/src/tokens';
import { ReadModelStore } from '../../../libs/read-models/src/read-model-store.port';
import { Projector } from './projector';
import { HEALTH_CHECKS, HealthCheck } from '../../../libs/platform/src/health/health-check';
import { registerProjectorCheck } from './projector-health';

/**
 * Runs the Projector inside a Nest app. Expects EVENT_STORE, READ_MODELS, UPDATE_BUS and
 * LOGGER to be provided globally (EmbeddedInfraModule, or a production infra module).
 * Starting does not wait for catch-up, so a long log does not delay the app's boot.
 */
@Module({
  providers: [
    {
      provide: Projector,
      inject: [EVENT_STORE, READ_MODELS, UPDATE_BUS, LOGGER],
      useFactory: (
        eventStore: EventStore,
        readModels: ReadModelStore,
        updateBus: UpdateBus,
        logger: Logger,
      ) =>
        new Projector({
          eventStore,
          readModels,
          updateBus,
          logger: logger.child({ component: 'projector' }),
        }),
    },
  ],
  exports: [Projector],
})
export class ProjectorModule extends StartStopLifecycle {
  constructor(
    @Inject(Projector) projector: Projector,
    @Optional() @Inject(HEALTH_CHECKS) checks?: HealthCheck[],
  ) {
    super(projector);
    registerProjectorCheck(checks, projector);
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { EmbeddedInfraModule } from '../../../libs/platform/src/embedded-infra.module';
import { AppConfig } from '../../../libs/platform/src/config';
import { Logger } from '../../../libs/platform/src/logger';
import {
  ProjectorThreadMode,
  projectorThreadMode,
} from '../../../libs/platform/src/projector-thread-mode';
import { CommandApiModule } from '../../command-api/src/command-api.module';
import { ProjectorModule } from '../../projector/src/projector.module';
import { ProjectorThreadModule } from '../../projector/src/worker/projector-thread.module';
import { RealtimeGatewayModule } from '../../realtime-gateway/src/realtime-gateway.module';

/**
 * Embedded mode: every app in one process, on one port, with durable data under DATA_DIR.
 * The projector runs on a worker thread unless PROJECTOR_THREAD=inline.
 */
@Module({})
export class AllInOneModule {
  static forRoot(
    config: AppConfig,
    logger: Logger,
    projector: ProjectorThreadMode = projectorThreadMode(),
  ): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [
        EmbeddedInfraModule.forRoot(config, logger),
        CommandApiModule,
        projector === 'worker' ? ProjectorThreadModule : ProjectorModule,
        RealtimeGatewayModule.forRoot(),
      ],
    };
  }
}

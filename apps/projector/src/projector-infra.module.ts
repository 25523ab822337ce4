import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { join } from 'node:path';
import { InProcessUpdateBus, UpdateBus } from '../../../libs/bus/src';
import { EventStore } from '../../../libs/event-store/src/event-store.port';
import { LmdbEventStore } from '../../../libs/event-store/src/lmdb/lmdb-event-store';
import { AppConfig } from '../../../libs/platform/src/config';
import { Logger } from '../../../libs/platform/src/logger';
import {
  APP_CONFIG,
  EVENT_STORE,
  LOGGER,
  READ_MODELS,
  UPDATE_BUS,
} from '../../../libs/platform/src/tokens';
import { LmdbReadModelStore, ReadModelStore } from '../../../libs/read-models/src';

import { closeEmbeddedStores } from '../../../libs/platform/src/close-embedded-stores';
import { EVENTS_DIR, READ_MODELS_DIR } from '../../../libs/platform/src/data-dirs';

/** Same layout as EmbeddedInfraModule, so both processes find the same files. */
export { EVENTS_DIR, READ_MODELS_DIR };

@Injectable()
class ProjectorInfraShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(UPDATE_BUS) private readonly updates: UpdateBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await closeEmbeddedStores([this.updates, this.events, this.readModels], this.logger, {
      dataDir: this.config.dataDir,
      owned: true,
    });
    this.logger.info('projector stores closed');
    this.logger.flush();
  }
}

/**
 * Infrastructure of a standalone projector process next to a command-api process on the
 * same DATA_DIR: the event store opened READ-ONLY (the command-api process is its one
 * writer), the read models read-write (LMDB serialises writers across processes).
 * The update bus is in-process, so no other process hears these updates.
 */
@Global()
@Module({})
export class ProjectorInfraModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: ProjectorInfraModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            LmdbEventStore.open(join(config.dataDir, EVENTS_DIR), { readOnly: true, logger }),
        },
        {
          provide: READ_MODELS,
          useFactory: () => {
            // The projector process is the read models' only writer: it runs their reboot guard.
            const dir = join(config.dataDir, READ_MODELS_DIR);
            if (LmdbReadModelStore.prepare(dir))
              logger.warn({ dir }, 'read models discarded after a reboot; rebuilding');
            return LmdbReadModelStore.open(dir);
          },
        },
        { provide: UPDATE_BUS, useFactory: () => new InProcessUpdateBus(logger) },
        ProjectorInfraShutdown,
      ],
      exports: [LOGGER, EVENT_STORE, READ_MODELS, UPDATE_BUS],
    };
  }
}

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
import { EVENT_STORE, LOGGER, READ_MODELS, UPDATE_BUS } from '../../../libs/platform/src/tokens';
import { LmdbReadModelStore, ReadModelStore } from '../../../libs/read-models/src';

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
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const results = await Promise.allSettled([
      this.updates.close(),
      this.events.close(),
      this.readModels.close(),
    ]);
    for (const r of results)
      if (r.status === 'rejected') this.logger.error({ err: r.reason }, 'closing a store failed');
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
        { provide: LOGGER, useValue: logger },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            LmdbEventStore.open(join(config.dataDir, EVENTS_DIR), { readOnly: true, logger }),
        },
        {
          provide: READ_MODELS,
          useFactory: () => LmdbReadModelStore.open(join(config.dataDir, READ_MODELS_DIR)),
        },
        { provide: UPDATE_BUS, useFactory: () => new InProcessUpdateBus(logger) },
        ProjectorInfraShutdown,
      ],
      exports: [LOGGER, EVENT_STORE, READ_MODELS, UPDATE_BUS],
    };
  }
}

import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { join } from 'node:path';
import { InProcessSignalBus, InProcessUpdateBus, SignalBus, UpdateBus } from '../../bus/src';
import { EventStore } from '../../event-store/src/event-store.port';
import { LmdbEventStore } from '../../event-store/src/lmdb/lmdb-event-store';
import { LmdbReadModelStore, ReadModelStore } from '../../read-models/src';
import { loadOrCreateJwtSecret } from './auth/jwt-secret';
import { TokenService } from './auth/token-service';
import { closeEmbeddedStores } from './close-embedded-stores';
import { AppConfig } from './config';
import { EVENTS_DIR, READ_MODELS_DIR } from './data-dirs';
import { eventStoreCheck } from './health/event-store-check';
import { HEALTH_CHECKS, HealthCheck } from './health/health-check';
import { HealthSettings, loadHealthSettings } from './health/health-settings';
import { projectionLagCheck } from './health/projection-lag-check';
import { Logger, createLogger } from './logger';
import {
  APP_CONFIG,
  EVENT_STORE,
  LOGGER,
  READ_MODELS,
  SIGNAL_BUS,
  SNAPSHOT_STORE,
  UPDATE_BUS,
} from './tokens';

/**
 * Closes the embedded engines once everything else has stopped: Nest runs
 * onApplicationShutdown after every onModuleDestroy/beforeApplicationShutdown hook (the
 * projector's subscription or its worker thread, which closes its own store handles; the
 * gateway's sockets) and after the HTTP server drained, and
 * for this global module last of all.
 */
const OWNS_READ_MODELS = Symbol('OwnsReadModels');

@Injectable()
class EmbeddedInfraShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(UPDATE_BUS) private readonly updates: UpdateBus,
    @Inject(SIGNAL_BUS) private readonly signals: SignalBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OWNS_READ_MODELS) private readonly ownsReadModels: boolean,
  ) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    await Promise.allSettled([this.updates.close(), this.signals.close()]);
    // The event store waits for queued appends to be durable before closing.
    await closeEmbeddedStores([this.events, this.readModels], this.logger, {
      dataDir: this.config.dataDir,
      owned: this.ownsReadModels,
    });
    this.logger.info({ signal }, 'stores closed');
    this.logger.flush();
  }
}

/**
 * Embedded mode's infrastructure for one process: LMDB event store and read models under
 * DATA_DIR, in-process buses, the token service, config and logger, all global so that
 * the command API, projector and gateway modules find them by token. HEALTH_CHECKS (readiness)
 * holds `event-store` and `projection-lag`; the projector's module adds `projector` to it.
 */
@Global()
@Module({})
export class EmbeddedInfraModule {
  /**
   * `ownsReadModels`: this process runs the projector (inline or on its thread), so it guards and
   * cleanly closes the unsynced read models; a standalone command API only reads them.
   */
  static forRoot(
    config: AppConfig,
    logger: Logger = createLogger(config.logLevel),
    { ownsReadModels = true }: { ownsReadModels?: boolean } = {},
    health: HealthSettings = loadHealthSettings(),
  ): DynamicModule {
    const exported = [
      APP_CONFIG,
      LOGGER,
      EVENT_STORE,
      SNAPSHOT_STORE,
      READ_MODELS,
      UPDATE_BUS,
      SIGNAL_BUS,
      TokenService,
      HEALTH_CHECKS,
    ];
    return {
      module: EmbeddedInfraModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: OWNS_READ_MODELS, useValue: ownsReadModels },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            LmdbEventStore.open(join(config.dataDir, EVENTS_DIR), {
              logger: logger.child({ component: 'event-store' }),
              minFreeBytes: health.minFreeBytes,
            }),
        },
        {
          provide: SNAPSHOT_STORE,
          useFactory: (events: LmdbEventStore) => events.snapshots,
          inject: [EVENT_STORE],
        },
        {
          provide: READ_MODELS,
          useFactory: () =>
            openReadModels(join(config.dataDir, READ_MODELS_DIR), logger, ownsReadModels),
        },
        {
          provide: HEALTH_CHECKS,
          useFactory: (events: LmdbEventStore, readModels: ReadModelStore): HealthCheck[] => [
            eventStoreCheck(events),
            ...(health.projectionLagBoundMs > 0
              ? [projectionLagCheck(events, readModels, health.projectionLagBoundMs)]
              : []),
          ],
          inject: [EVENT_STORE, READ_MODELS],
        },
        { provide: UPDATE_BUS, useFactory: () => new InProcessUpdateBus() },
        { provide: SIGNAL_BUS, useFactory: () => new InProcessSignalBus() },
        {
          provide: TokenService,
          useFactory: () =>
            new TokenService(
              loadOrCreateJwtSecret(config.dataDir, config.jwtSecret),
              config.tokenTtlSeconds,
            ),
        },
        EmbeddedInfraShutdown,
      ],
      exports: exported,
    };
  }
}

/** This process owns DATA_DIR: the reboot guard runs before the read models are first opened. */
function openReadModels(dir: string, logger: Logger, owner: boolean): LmdbReadModelStore {
  if (owner && LmdbReadModelStore.prepare(dir))
    logger.warn(
      { dir },
      'read models were open when the machine went down: rebuilding them from the log',
    );
  return LmdbReadModelStore.open(dir);
}

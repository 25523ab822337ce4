import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { TokenService } from '../auth/token-service';
import { AppConfig } from '../config';
import { HEALTH_CHECKS } from '../health/health-check';
import { Logger } from '../logger';
import {
  APP_CONFIG,
  EVENT_STORE,
  LOGGER,
  READ_MODELS,
  SIGNAL_BUS,
  SNAPSHOT_STORE,
  UPDATE_BUS,
} from '../tokens';
import { Engines } from './connect-engines';
import { ProductionSettings } from './production-settings';

const ENGINES = Symbol('Engines');

/** Releases the engines once everything else has stopped (this global module closes last). */
@Injectable()
class ProductionInfraShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(ENGINES) private readonly engines: Engines,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.engines.close();
    this.logger.info({ signal }, 'engines closed');
    this.logger.flush();
  }
}

/**
 * Production mode's infrastructure for one app: engines connected BEFORE Nest starts (so an
 * unreachable one stops the process before it listens), provided under the same tokens as the
 * embedded ones, so the app modules do not know which mode they run in.
 */
@Global()
@Module({})
export class ProductionInfraModule {
  static forRoot(
    config: AppConfig,
    settings: ProductionSettings,
    engines: Engines,
    logger: Logger,
  ): DynamicModule {
    // Only the engines this app's role connected are provided.
    const optional: { provide: symbol; useValue: unknown }[] = [];
    if (engines.eventStore) optional.push({ provide: EVENT_STORE, useValue: engines.eventStore });
    if (engines.snapshots) optional.push({ provide: SNAPSHOT_STORE, useValue: engines.snapshots });
    if (engines.readModels) optional.push({ provide: READ_MODELS, useValue: engines.readModels });
    if (engines.updateBus) optional.push({ provide: UPDATE_BUS, useValue: engines.updateBus });
    if (engines.signalBus) optional.push({ provide: SIGNAL_BUS, useValue: engines.signalBus });
    const tokens = optional.map((p) => p.provide);
    return {
      module: ProductionInfraModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: ENGINES, useValue: engines },
        { provide: HEALTH_CHECKS, useValue: engines.healthChecks },
        {
          provide: TokenService,
          useFactory: () => new TokenService(settings.jwtSecret, config.tokenTtlSeconds),
        },
        ...optional,
        ProductionInfraShutdown,
      ],
      exports: [APP_CONFIG, LOGGER, HEALTH_CHECKS, TokenService, ...tokens],
    };
  }
}

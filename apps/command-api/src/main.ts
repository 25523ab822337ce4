import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from '../../../libs/platform/src/config';
import { EmbeddedInfraModule } from '../../../libs/platform/src/embedded-infra.module';
import {
  closeOnSignals,
  createHttpApp,
  listen,
} from '../../../libs/platform/src/http/create-http-app';
import { Logger, createLogger } from '../../../libs/platform/src/logger';
import { connectEngines } from '../../../libs/platform/src/production/connect-engines';
import { ProductionInfraModule } from '../../../libs/platform/src/production/production-infra.module';
import { loadProductionSettings } from '../../../libs/platform/src/production/production-settings';
import { startOrExit } from '../../../libs/platform/src/production/start-up';
import { CommandApiModule } from './command-api.module';

/**
 * The command API alone.
 * - Embedded: on the LMDB stores under DATA_DIR; a projector process may share DATA_DIR.
 * - Production (CHAT_MODE=production): on the event store named by EVENT_STORE/DATABASE_URL
 *   (or EVENTSTORE_URL) and the read models on Cassandra/ScyllaDB. Any number of these
 *   processes may serve the same conversations: appends carry expected revisions and sends
 *   idempotency keys the store enforces.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'command-api');
  const infra =
    config.mode === 'production' ? await production(config, logger) : embedded(config, logger);

  @Module({ imports: [infra, CommandApiModule] })
  class CommandApiAppModule {}

  const app = await createHttpApp(CommandApiAppModule, logger);
  closeOnSignals(app, logger);
  await listen(app, config, logger, 'command-api', { webSocket: false });
}

const embedded = (config: AppConfig, logger: Logger): DynamicModule =>
  EmbeddedInfraModule.forRoot(config, logger, { ownsReadModels: false });

async function production(config: AppConfig, logger: Logger): Promise<DynamicModule> {
  const settings = loadProductionSettings('command-api', process.env);
  if (settings.devTokens)
    logger.warn(
      'DEV_TOKENS=true: anyone can mint a token with POST /v1/auth/dev-token (demos and tests only)',
    );
  const engines = await connectEngines(settings, logger);
  return ProductionInfraModule.forRoot(
    { ...config, jwtSecret: settings.jwtSecret },
    settings,
    engines,
    logger,
  );
}

startOrExit('command-api', main);

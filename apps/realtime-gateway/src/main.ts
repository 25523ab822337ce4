import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { TokenService } from '../../../libs/platform/src/auth/token-service';
import { loadConfig } from '../../../libs/platform/src/config';
import { HealthController } from '../../../libs/platform/src/health/health.controller';
import { HttpChatCommands } from '../../../libs/platform/src/http-chat-commands';
import {
  closeOnSignals,
  createHttpApp,
  listen,
} from '../../../libs/platform/src/http/create-http-app';
import { createLogger } from '../../../libs/platform/src/logger';
import { connectEngines } from '../../../libs/platform/src/production/connect-engines';
import { EngineUnreachableError } from '../../../libs/platform/src/production/engine-unreachable.error';
import { ProductionInfraModule } from '../../../libs/platform/src/production/production-infra.module';
import { loadProductionSettings } from '../../../libs/platform/src/production/production-settings';
import { startOrExit } from '../../../libs/platform/src/production/start-up';
import { CHAT_COMMANDS } from '../../../libs/platform/src/tokens';
import { PRESENCE_STORE } from './presence/presence-store.port';
import { RedisPresenceStore } from './presence/redis-presence-store';
import { RealtimeGatewayModule } from './realtime-gateway.module';

/**
 * A standalone gateway (production mode only: in embedded mode the gateway runs inside the
 * all-in-one app, `npm start`, which has the in-process buses it needs). It serves `/v1/ws`
 * and /health; it receives projection updates from Kafka, shares typing and presence with the
 * other gateways through Redis, reads history for `sync` from Cassandra/ScyllaDB, and forwards
 * commands to the command API over HTTP (COMMAND_API_URL) with tokens it signs for the
 * socket's user (JWT_SECRET shared with the command API).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'realtime-gateway');
  if (config.mode !== 'production') {
    const message =
      'realtime-gateway: a standalone gateway runs in production mode (CHAT_MODE=production, with Kafka, Redis and Cassandra); in embedded mode run the all-in-one app (npm start), which includes the gateway';
    process.stderr.write(`${message}\n`);
    process.exit(78);
  }
  const settings = loadProductionSettings('realtime-gateway', process.env);
  const engines = await connectEngines(settings, logger);
  const presence = await RedisPresenceStore.connect({
    url: settings.redisUrl!,
    logger,
    connectionTtlMs: config.presenceTimeoutMs,
  }).catch(async (err: unknown) => {
    await engines.close();
    throw new EngineUnreachableError('redis', 'REDIS_URL', settings.redisUrl!, err);
  });
  const closeEngines = engines.close;
  engines.close = async () => void (await Promise.allSettled([closeEngines(), presence.close()]));

  @Global()
  @Module({
    providers: [
      {
        provide: CHAT_COMMANDS,
        inject: [TokenService],
        useFactory: (tokens: TokenService) =>
          new HttpChatCommands({ baseUrl: settings.commandApiUrl!, tokens }),
      },
    ],
    exports: [CHAT_COMMANDS],
  })
  class CommandApiClientModule {}

  @Module({
    imports: [
      ProductionInfraModule.forRoot(config, settings, engines, logger),
      CommandApiClientModule,
      RealtimeGatewayModule.forRoot({ provide: PRESENCE_STORE, useValue: presence }),
    ],
    controllers: [HealthController],
  })
  class GatewayAppModule {}

  const app = await createHttpApp(GatewayAppModule, logger);
  closeOnSignals(app, logger);
  await listen(app, config, logger, 'realtime-gateway', { webSocket: true });
}

startOrExit('realtime-gateway', main);

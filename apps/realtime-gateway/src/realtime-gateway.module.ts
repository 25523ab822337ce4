import { Module } from '@nestjs/common';
import { AsyncApiController } from './asyncapi.controller';
import { GatewayServer } from './gateway.server';

/**
 * The WebSocket gateway (`/v1/ws`) plus its AsyncAPI document (`GET /v1/asyncapi.yaml`).
 * Attaches to the HTTP server of the host app, so it needs no port of its own.
 * Expects the importing app to provide (globally): CHAT_COMMANDS, READ_MODELS, UPDATE_BUS,
 * SIGNAL_BUS, APP_CONFIG, LOGGER and the TokenService class.
 */
@Module({
  controllers: [AsyncApiController],
  providers: [GatewayServer],
})
export class RealtimeGatewayModule {}

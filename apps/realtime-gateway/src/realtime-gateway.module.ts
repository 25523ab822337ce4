import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AsyncApiController } from './asyncapi.controller';
import { ConnectionRegistry } from './connection/connection-registry';
import { Outbound } from './connection/outbound';
import { GATEWAY_OPTIONS, loadGatewayOptions } from './gateway-options';
import { GatewayServer } from './gateway.server';
import { ClientCommandForwarder } from './handlers/client-command-forwarder';
import { FrameRouter } from './handlers/frame-router';
import { GatewayMembershipCache } from './handlers/gateway-membership-cache';
import { SyncHandler } from './handlers/sync.handler';
import { TypingHandler } from './handlers/typing.handler';
import { InMemoryPresenceStore } from './presence/in-memory-presence-store';
import { PRESENCE_STORE } from './presence/presence-store.port';
import { PresenceService } from './presence/presence.service';
import { FrameRateLimiter } from './protection/frame-rate-limiter';
import { SignalFanout } from './push/signal-fanout';
import { UpdateFanout } from './push/update-fanout';

/**
 * The WebSocket gateway (`/v1/ws`) plus its AsyncAPI document (`GET /v1/asyncapi.yaml`).
 * Attaches to the HTTP server of the host app, so it needs no port of its own.
 * Expects the importing app to provide (globally): CHAT_COMMANDS, READ_MODELS, UPDATE_BUS,
 * SIGNAL_BUS, APP_CONFIG, LOGGER and the TokenService class.
 */
@Module({
  controllers: [AsyncApiController],
  providers: [
    { provide: GATEWAY_OPTIONS, useFactory: () => loadGatewayOptions() },
    ConnectionRegistry,
    Outbound,
    FrameRateLimiter,
    GatewayMembershipCache,
    ClientCommandForwarder,
    SyncHandler,
    TypingHandler,
    PresenceService,
    FrameRouter,
    UpdateFanout,
    SignalFanout,
    GatewayServer,
  ],
})
export class RealtimeGatewayModule {
  /** Presence in this process's memory (embedded: one gateway), or the given store (Redis). */
  static forRoot(
    presence: Provider = { provide: PRESENCE_STORE, useClass: InMemoryPresenceStore },
  ): DynamicModule {
    return { module: RealtimeGatewayModule, providers: [presence] };
  }
}

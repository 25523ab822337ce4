import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { BusSubscription, SignalBus, UpdateBus } from '../../../libs/bus/src/update-bus.port';
import { TokenService } from '../../../libs/platform/src/auth/token-service';
import { AppConfig } from '../../../libs/platform/src/config';
import { APP_CONFIG, LOGGER, SIGNAL_BUS, UPDATE_BUS } from '../../../libs/platform/src/tokens';
import { Connection } from './connection/connection';
import { ConnectionRegistry } from './connection/connection-registry';
import { Outbound } from './connection/outbound';
import { decideUpgrade, rejectUpgrade } from './connection/upgrade';
import { GATEWAY_OPTIONS, GatewayOptions } from './gateway-options';
import { FrameRouter } from './handlers/frame-router';
import { HeartbeatSweeper, heartbeatTiming } from './presence/heartbeat-sweeper';
import { PresenceService } from './presence/presence.service';
import { CloseCode, ServerFrame } from './protocol/frames';
import { SignalFanout } from './push/signal-fanout';
import { UpdateFanout } from './push/update-fanout';

/** The socket's Connection, stored on the ws object so one shared listener serves all sockets. */
const CONN = Symbol('connection');
type GatewaySocket = WebSocket & { [CONN]: Connection };

type SocketListeners = {
  message: (data: RawData, isBinary: boolean) => void;
  /** A client's own WebSocket ping: a sign of life. */
  ping: () => void;
  /** A pong (to the sweeper's ping, or to the one after a rate_limited): a sign of life. */
  pong: (data: Buffer) => void;
  close: () => void;
  error: (err: Error) => void;
};

/** One set of listener functions shared by all sockets (`this` is the socket): no closures per socket. */
function socketListeners(
  router: FrameRouter,
  onClose: (conn: Connection) => void,
  logger: Logger,
): SocketListeners {
  return {
    message(this: GatewaySocket, data, isBinary) {
      router.handle(this[CONN], data, isBinary);
    },
    ping(this: GatewaySocket) {
      this[CONN].lastSeenAt = Date.now();
    },
    pong(this: GatewaySocket, data) {
      const conn = this[CONN];
      conn.lastSeenAt = Date.now();
      router.pong(conn, data);
    },
    close(this: GatewaySocket) {
      onClose(this[CONN]);
    },
    error(this: GatewaySocket, err) {
      logger.debug({ err, userId: this[CONN]?.userId }, 'ws socket error');
    },
  };
}

/** What every socket is told first: its frame budget, the close rule and the heartbeat timing. */
export function welcomeFrame(options: GatewayOptions, config: AppConfig): ServerFrame {
  const timing = heartbeatTiming(config.heartbeatIntervalMs, config.presenceTimeoutMs);
  return {
    type: 'welcome',
    limits: {
      framesPerSecond: options.connectionFramesPerSecond,
      burst: options.connectionBurst,
      userFramesPerSecond: options.userFramesPerSecond,
      userBurst: options.userBurst,
      maxFramesWhileWaiting: options.rateLimitStrikes,
    },
    heartbeat: { intervalMs: timing.pingAfterMs, timeoutMs: timing.timeoutMs },
  };
}

/**
 * Owns the `ws` server: authenticates upgrades on the host app's HTTP server, wires sockets
 * to the frame router, subscribes to the buses and runs the heartbeat sweeper.
 */
@Injectable()
export class GatewayServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private wss?: WebSocketServer;
  private server?: Server;
  private sweeper?: HeartbeatSweeper;
  private subscriptions: BusSubscription[] = [];
  private nextId = 1;
  private readonly listeners: SocketListeners;
  /** The `welcome` frame, the same for every socket: serialized once. */
  private readonly welcome: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(UPDATE_BUS) private readonly updateBus: UpdateBus,
    @Inject(SIGNAL_BUS) private readonly signalBus: SignalBus,
    private readonly registry: ConnectionRegistry,
    private readonly router: FrameRouter,
    private readonly outbound: Outbound,
    private readonly presence: PresenceService,
    private readonly updates: UpdateFanout,
    private readonly signals: SignalFanout,
  ) {
    this.listeners = socketListeners(router, (conn) => this.onClose(conn), logger);
    this.welcome = JSON.stringify(welcomeFrame(options, config));
  }

  onApplicationBootstrap(): void {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: this.options.maxPayloadBytes,
      // Compress only frames worth it; no context takeover keeps no zlib window per idle socket.
      perMessageDeflate: {
        threshold: 1024,
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
      },
    });
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.subscriptions.push(
      this.updateBus.subscribe((u) => this.guard('update', () => this.updates.handle(u))),
      this.signalBus.subscribe((s) => this.guard('signal', () => this.signals.handle(s))),
    );
    for (const subscription of this.subscriptions)
      subscription.ready.catch((err) => this.logger.error({ err }, 'bus subscription failed'));
    const timing = heartbeatTiming(this.config.heartbeatIntervalMs, this.config.presenceTimeoutMs);
    this.sweeper = new HeartbeatSweeper(this.registry, timing, {
      expired: (conn) => conn.ws.terminate(),
      quiet: (conn) => {
        // A WebSocket ping: browsers and libraries answer it by themselves (the pong is a sign
        // of life), so a client that only receives is not cut off.
        if (conn.ws.readyState === WebSocket.OPEN) conn.ws.ping();
      },
      seen: (conn) => this.presence.heartbeat(conn),
    });
    this.sweeper.start(timing.tickMs);
  }

  /** Closes every socket with 1001 before the HTTP server closes (it would wait for them). */
  beforeApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    this.sweeper?.stop();
    for (const subscription of this.subscriptions)
      subscription.close().catch((err) => this.logger.warn({ err }, 'bus unsubscribe failed'));
    this.subscriptions = [];
    for (const conn of [...this.registry.all()])
      conn.ws.close(CloseCode.goingAway, 'server shutting down');
    this.wss?.close();
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    try {
      socket.on('error', () => socket.destroy());
      const decision = decideUpgrade(req, this.tokens);
      if (!decision.ok) return rejectUpgrade(socket, decision);
      this.wss!.handleUpgrade(req, socket, head, (ws) =>
        this.onOpen(ws as GatewaySocket, decision.userId, decision.awaitSync),
      );
    } catch (err) {
      this.logger.error({ err }, 'ws upgrade failed');
      socket.destroy();
    }
  };

  private onOpen(ws: GatewaySocket, userId: string, awaitSync: boolean): void {
    const conn = new Connection(this.nextId++, userId, ws, Date.now());
    if (awaitSync) conn.pending = [];
    ws[CONN] = conn;
    ws.on('message', this.listeners.message);
    ws.on('ping', this.listeners.ping);
    ws.on('pong', this.listeners.pong);
    ws.on('close', this.listeners.close);
    ws.on('error', this.listeners.error);
    this.registry.add(conn);
    this.outbound.sendRaw(conn, this.welcome); // first frame: the limits and heartbeat timing
    this.presence
      .connected(conn)
      .catch((err) => this.logger.error({ err, userId }, 'presence on connect failed'));
  }

  private onClose(conn: Connection): void {
    this.registry.remove(conn);
    conn.syncing = undefined;
    conn.pending = undefined;
    const now = Date.now();
    const expired = now - conn.lastSeenAt > this.config.presenceTimeoutMs;
    this.presence
      .disconnected(conn, expired ? conn.lastSeenAt : now)
      .catch((err) => this.logger.error({ err, userId: conn.userId }, 'presence on close failed'));
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ err }, `ws ${what} fan-out failed`);
    }
  }
}

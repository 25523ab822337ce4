import { NestFactory } from '@nestjs/core';
import type { FastifyServerOptions } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener } from 'node:http';
import { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { AppConfig } from '../config';
import { Logger } from '../logger';
import { PinoNestLogger } from '../nest-logger';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { FastPathServer, JsonBodyParser } from './fast-path-server';
import { HttpRateLimiter, loadHttpRateLimit } from './rate-limit';

/** Requests larger than this are refused with 413 before any handler runs (a 100,000-char body fits). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A Nest app on Fastify with our error shape, pino logs, body limit and per-client request
 * budget (429 + Retry-After; HTTP_RATE_LIMIT_PER_SECOND / HTTP_RATE_LIMIT_BURST). Not yet listening.
 * No Nest middleware (app.use / MiddlewareConsumer) is supported: skipMiddie spares every
 * request @fastify/middie's pass; use Fastify hooks instead.
 */
export async function createHttpApp(
  rootModule: unknown,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const errors = new AllExceptionsFilter(logger);
  const rateLimit = loadHttpRateLimit();
  const limiter = rateLimit.perSecond > 0 ? new HttpRateLimiter(rateLimit) : undefined;
  let server: FastPathServer | undefined;
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    trustProxy: false,
    skipMiddie: true,
    serverFactory: (handler: RequestListener, options: FastifyServerOptions) => {
      server = new FastPathServer(handler, {
        bodyLimit: BODY_LIMIT_BYTES,
        toResponse: (err) => errors.toResponse(err),
        ...(limiter ? { admit: (req: IncomingMessage) => limiter.check(req) } : {}),
      });
      // What Fastify applies to the servers it creates itself (its defaults are filled in
      // before the factory is called).
      server.keepAliveTimeout = options.keepAliveTimeout!;
      server.requestTimeout = options.requestTimeout!;
      server.setTimeout(options.connectionTimeout!);
      return server;
    },
  });
  // Fastify's own parser (it ignores its request argument): identical limits and errors.
  server!.useJsonParser(
    adapter.getInstance().getDefaultJsonParser('error', 'error') as unknown as JsonBodyParser,
  );
  const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.useGlobalFilters(errors);
  return app;
}

export interface Listening {
  port: number;
  url: string;
  /** Only when the app serves the WebSocket gateway. */
  wsUrl?: string;
}

/**
 * Listens on config.host:config.port (0 = an ephemeral port) and writes one start-up line
 * `{"event":"listening","port":…,"url":…}` that tools (test/support/server-process.ts) parse.
 */
export async function listen(
  app: NestFastifyApplication,
  config: AppConfig,
  logger: Logger,
  name: string,
  options: { webSocket: boolean } = { webSocket: true },
): Promise<Listening> {
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;
  const wsUrl = options.webSocket ? `ws://${host}:${port}/v1/ws` : undefined;
  logger.info(
    {
      event: 'listening',
      app: name,
      port,
      url,
      wsUrl,
      ...(config.mode === 'embedded' ? { dataDir: config.dataDir } : {}),
      mode: config.mode,
      version: appVersion(),
      node: process.version,
    },
    `${name} listening on ${url}${wsUrl ? ` (ws ${wsUrl})` : ''}` +
      (config.mode === 'embedded' ? `, data ${config.dataDir}` : '') +
      `, ${config.mode} mode`,
  );
  logger.flush();
  return { port, url, wsUrl };
}

/**
 * Graceful stop on SIGTERM/SIGINT: stop accepting, let in-flight requests finish, run the
 * shutdown hooks (stores close last), flush logs, exit 0. A second signal exits at once.
 * (Nest's enableShutdownHooks re-raises the signal after closing, which would not exit 0.)
 */
export function closeOnSignals(app: NestFastifyApplication, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => exitAfterFlush(logger, 0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        exitAfterFlush(logger, 1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

function exitAfterFlush(logger: Logger, code: number): void {
  logger.flush(() => process.exit(code));
}

let version: string | undefined;
/** The app version from the repository's package.json (found upwards from this file, in src or dist). */
export function appVersion(): string {
  if (version) return version;
  version = 'unknown';
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
    break;
  }
  return version;
}

import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { register } from 'prom-client';
import { loadConfig } from '../../../libs/platform/src/config';
import { Logger, createLogger } from '../../../libs/platform/src/logger';
import { PinoNestLogger } from '../../../libs/platform/src/nest-logger';
import { EVENTS_DIR, ProjectorInfraModule } from './projector-infra.module';
import { ProjectorModule } from './projector.module';

/**
 * Standalone projector process on a DATA_DIR shared with a command-api process (which owns
 * the event store). Waits for the event store to exist, projects until SIGTERM/SIGINT, and
 * serves Prometheus metrics on METRICS_PORT when that is set.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'projector');
  await waitForEventStore(join(config.dataDir, EVENTS_DIR), logger);

  @Module({ imports: [ProjectorInfraModule.forRoot(config, logger), ProjectorModule] })
  class ProjectorAppModule {}

  const app = await NestFactory.createApplicationContext(ProjectorAppModule, {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
  if (process.env.METRICS_PORT) serveMetrics(Number(process.env.METRICS_PORT), logger);
  logger.info({ dataDir: config.dataDir }, 'projector running');
}

async function waitForEventStore(path: string, logger: Logger): Promise<void> {
  while (!existsSync(path)) {
    logger.info({ path }, 'waiting for the command-api process to create the event store');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

function serveMetrics(port: number, logger: Logger): void {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    register
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': register.contentType }).end(body))
      .catch(() => res.writeHead(500).end());
  });
  server.unref();
  server.listen(port, () => logger.info({ port }, 'projector metrics on /metrics'));
}

main().catch((err: unknown) => {
  process.stderr.write(`projector failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

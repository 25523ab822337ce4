import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { register } from 'prom-client';
import { AppConfig, loadConfig } from '../../../libs/platform/src/config';
import { connectEngines } from '../../../libs/platform/src/production/connect-engines';
import { ProductionInfraModule } from '../../../libs/platform/src/production/production-infra.module';
import { loadProductionSettings } from '../../../libs/platform/src/production/production-settings';
import { startOrExit } from '../../../libs/platform/src/production/start-up';
import { Logger, createLogger } from '../../../libs/platform/src/logger';
import { PinoNestLogger } from '../../../libs/platform/src/nest-logger';
import { EVENTS_DIR, ProjectorInfraModule } from './projector-infra.module';
import { ProjectorModule } from './projector.module';

/**
 * Standalone projector process, projecting until SIGTERM/SIGINT, with Prometheus metrics on
 * METRICS_PORT when that is set.
 * - Embedded: on a DATA_DIR shared with a command-api process (which owns the event store);
 *   waits for the event store to exist.
 * - Production (CHAT_MODE=production): follows the event store (DATABASE_URL or
 *   EVENTSTORE_URL) into the read models on Cassandra/ScyllaDB and publishes on Kafka.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'projector');
  const infra =
    config.mode === 'production' ? await production(logger) : await embedded(config, logger);

  @Module({ imports: [infra, ProjectorModule] })
  class ProjectorAppModule {}

  const app = await NestFactory.createApplicationContext(ProjectorAppModule, {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
  if (process.env.METRICS_PORT) serveMetrics(Number(process.env.METRICS_PORT), logger);
  logger.info({ mode: config.mode }, 'projector running');
}

async function embedded(config: AppConfig, logger: Logger): Promise<DynamicModule> {
  await waitForEventStore(join(config.dataDir, EVENTS_DIR), logger);
  return ProjectorInfraModule.forRoot(config, logger);
}

async function production(logger: Logger): Promise<DynamicModule> {
  const settings = loadProductionSettings('projector', process.env);
  const engines = await connectEngines(settings, logger);
  return ProductionInfraModule.forRoot(loadConfig(), settings, engines, logger);
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

startOrExit('projector', main);

import 'reflect-metadata';
import { loadConfig } from '../../../libs/platform/src/config';
import {
  closeOnSignals,
  createHttpApp,
  listen,
} from '../../../libs/platform/src/http/create-http-app';
import { createLogger } from '../../../libs/platform/src/logger';
import { AllInOneModule } from './app.module';
import { serveWebPage } from './web-page';

/**
 * `npm start`: the whole chat backend in one process on one port (HTTP API, web page at `/`,
 * WebSocket at /v1/ws). SIGTERM/SIGINT drain and close the stores, then exit 0.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'chat');
  const app = await createHttpApp(AllInOneModule.forRoot(config, logger), logger);
  await serveWebPage(app);
  closeOnSignals(app, logger);
  await listen(app, config, logger, 'chat');
}

main().catch((err: unknown) => {
  process.stderr.write(`chat failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

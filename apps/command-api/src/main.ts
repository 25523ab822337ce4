import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { EmbeddedInfraModule } from '../../../libs/platform/src/embedded-infra.module';
import {
  closeOnSignals,
  createHttpApp,
  listen,
} from '../../../libs/platform/src/http/create-http-app';
import { loadConfig } from '../../../libs/platform/src/config';
import { createLogger } from '../../../libs/platform/src/logger';
import { CommandApiModule } from './command-api.module';

/**
 * The command API alone, on the embedded stores under DATA_DIR. A separate projector process
 * may share the DATA_DIR (LMDB is multi-process safe); without one, reads do not advance.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'command-api');

  @Module({
    imports: [
      EmbeddedInfraModule.forRoot(config, logger, { ownsReadModels: false }),
      CommandApiModule,
    ],
  })
  class CommandApiAppModule {}

  const app = await createHttpApp(CommandApiAppModule, logger);
  closeOnSignals(app, logger);
  await listen(app, config, logger, 'command-api', { webSocket: false });
}

main().catch((err: unknown) => {
  process.stderr.write(`command-api failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

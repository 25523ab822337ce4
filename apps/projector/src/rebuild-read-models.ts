import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InProcessUpdateBus } from '../../../libs/bus/src';
import { LmdbEventStore } from '../../../libs/event-store/src';
import { loadConfig } from '../../../libs/platform/src/config';
import { EVENTS_DIR, READ_MODELS_DIR } from '../../../libs/platform/src/data-dirs';
import { createLogger } from '../../../libs/platform/src/logger';
import { LmdbReadModelStore } from '../../../libs/read-models/src';
import { Projector } from './projector';

/**
 * `npm run rebuild-read-models`: drops every read model of DATA_DIR and projects the whole
 * event log again from its start (the event log is only read). Run it with the server
 * stopped: the read models have one writer. Exits 0 when the rebuilt read models have caught
 * up with the log, 1 on failure.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'rebuild');
  const eventsDir = join(config.dataDir, EVENTS_DIR);
  if (!existsSync(eventsDir)) throw new Error(`no event store at ${eventsDir}`);
  const eventStore = LmdbEventStore.open(eventsDir, { readOnly: true, logger });
  const readModelsDir = join(config.dataDir, READ_MODELS_DIR);
  LmdbReadModelStore.prepare(readModelsDir);
  const readModels = LmdbReadModelStore.open(readModelsDir);
  const projector = new Projector({
    eventStore,
    readModels,
    updateBus: new InProcessUpdateBus(),
    logger,
  });
  const started = Date.now();
  await readModels.clear();
  await projector.start();
  await projector.caughtUp;
  await projector.stop();
  logger.info(
    { position: projector.lastAppliedPosition, ms: Date.now() - started, dataDir: config.dataDir },
    'read models rebuilt from the start of the log',
  );
  await Promise.all([eventStore.close(), readModels.close()]);
  LmdbReadModelStore.markClean(readModelsDir);
  logger.flush();
}

main().catch((err) => {
  createLogger('error', 'rebuild').fatal({ err }, 'rebuild failed');
  setTimeout(() => process.exit(1), 100);
});

import { loadConfig } from '../../../libs/platform/src/config';
import { createLogger } from '../../../libs/platform/src/logger';

/**
 * Standalone gateway process. It needs the projector's update bus: in embedded mode that bus
 * is in-process, so the gateway runs inside apps/all-in-one (`npm start`). A standalone
 * gateway needs the production adapters (Kafka, Redis, the command API over HTTP), which do
 * not exist yet. This entry point says so and exits instead of pretending to run.
 */
function main(): number {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'realtime-gateway');
  const message =
    config.mode === 'production'
      ? 'realtime-gateway: production adapters (Kafka update bus, Redis presence, HTTP command API) are not implemented yet'
      : 'realtime-gateway: a standalone gateway needs production adapters (set CHAT_MODE=production); in embedded mode run the all-in-one app (npm start), which includes the gateway';
  logger.fatal({ event: 'not_runnable', mode: config.mode }, message);
  logger.flush();
  process.stderr.write(`${message}\n`);
  return 1;
}

process.exitCode = main();

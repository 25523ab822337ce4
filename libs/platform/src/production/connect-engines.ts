import { SignalBus, UpdateBus } from '../../../bus/src/update-bus.port';
import { EventStore } from '../../../event-store/src/event-store.port';
import { SnapshotStore } from '../../../event-store/src/snapshot-store.port';
import { ReadModelStore } from '../../../read-models/src/read-model-store.port';
import { HealthCheck } from '../health/health-check';
import { Logger } from '../logger';
import { connectSignalBus, connectUpdateBus } from './connect-buses';
import { connectEventStore } from './connect-event-store';
import { connectReadModels } from './connect-read-models';
import { commandApiProbe } from './engine-probes';
import { ProductionSettings } from './production-settings';

/** The engines one app needs, connected and answering; `close` releases them all. */
export interface Engines {
  eventStore?: EventStore;
  snapshots?: SnapshotStore;
  readModels?: ReadModelStore;
  updateBus?: UpdateBus;
  signalBus?: SignalBus;
  healthChecks: HealthCheck[];
  close(): Promise<void>;
}

type Connected = Partial<Omit<Engines, 'healthChecks' | 'close'>> & {
  health?: HealthCheck;
  close?: () => Promise<void>;
};

/**
 * Connects every engine the app's role needs, at once. If any cannot be reached, the ones
 * already connected are closed and the first failure is thrown (it names its setting).
 */
export async function connectEngines(
  settings: ProductionSettings,
  logger: Logger,
): Promise<Engines> {
  const timeout = settings.connectTimeoutMs;
  const attempts: Promise<Connected | undefined>[] = [
    settings.eventStore &&
      connectEventStore(settings.eventStore, logger, timeout).then((c) => ({
        eventStore: c.store,
        snapshots: c.snapshots,
        health: c.health,
        close: () => c.store.close(),
      })),
    settings.cassandra &&
      connectReadModels(settings.cassandra, timeout).then((c) => ({
        readModels: c.readModels,
        health: c.health,
        close: () => c.readModels.close(),
      })),
    settings.kafkaBrokers &&
      connectUpdateBus(settings.kafkaBrokers, logger, timeout).then((c) => ({
        updateBus: c.updateBus,
        health: c.probe,
        close: async () => void (await Promise.allSettled([c.updateBus.close(), c.probe.close()])),
      })),
    settings.redisUrl &&
      connectSignalBus(settings.redisUrl, logger, timeout).then((c) => ({
        signalBus: c.signalBus,
        health: c.probe,
        close: async () => void (await Promise.allSettled([c.signalBus.close(), c.probe.close()])),
      })),
  ].map((attempt) => attempt || Promise.resolve(undefined));
  const results = await Promise.allSettled(attempts);
  const connected = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  const close = async () =>
    void (await Promise.allSettled(connected.map((c) => c.close?.() ?? Promise.resolve())));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  const engines: Engines = Object.assign(
    {},
    ...connected.map(({ health: _h, close: _c, ...e }) => e),
  );
  engines.healthChecks = connected.flatMap((c) => (c.health ? [c.health] : []));
  if (settings.commandApiUrl) engines.healthChecks.push(commandApiProbe(settings.commandApiUrl));
  engines.close = close;
  return engines;
}

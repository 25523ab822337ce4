import { EventStore } from '../../../event-store/src/event-store.port';
import { SnapshotStore } from '../../../event-store/src/snapshot-store.port';
import { ReadModelStore } from '../../../read-models/src/read-model-store.port';
import { HealthCheck } from '../health/health-check';
import { Logger } from '../logger';
import { connectEventStore } from './connect-event-store';
import { connectReadModels } from './connect-read-models';
import { ProductionSettings } from './production-settings';

/** The engines one app needs, connected and answering; `close` releases them all. */
export interface Engines {
  eventStore?: EventStore;
  snapshots?: SnapshotStore;
  readModels?: ReadModelStore;
  healthChecks: HealthCheck[];
  close(): Promise<void>;
}

/**
 * Connects every engine the app's role needs, at once. If any cannot be reached, the ones
 * already connected are closed and the first failure is thrown (it names its setting).
 */
export async function connectEngines(
  settings: ProductionSettings,
  logger: Logger,
): Promise<Engines> {
  const timeout = settings.connectTimeoutMs;
  const [events, reads] = await Promise.allSettled([
    settings.eventStore ? connectEventStore(settings.eventStore, logger, timeout) : undefined,
    settings.cassandra ? connectReadModels(settings.cassandra, timeout) : undefined,
  ]);
  const closers: (() => Promise<void>)[] = [];
  if (events.status === 'fulfilled' && events.value)
    closers.push(() => events.value!.store.close());
  if (reads.status === 'fulfilled' && reads.value)
    closers.push(() => reads.value!.readModels.close());
  const close = async () => void (await Promise.allSettled(closers.map((c) => c())));
  const failed = [events, reads].find((r) => r.status === 'rejected') as
    PromiseRejectedResult | undefined;
  if (failed) {
    await close();
    throw failed.reason;
  }
  const e = events.status === 'fulfilled' ? events.value : undefined;
  const r = reads.status === 'fulfilled' ? reads.value : undefined;
  return {
    eventStore: e?.store,
    snapshots: e?.snapshots,
    readModels: r?.readModels,
    healthChecks: [e?.health, r?.health].filter((h): h is HealthCheck => h !== undefined),
    close,
  };
}

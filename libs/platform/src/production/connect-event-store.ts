import { EventStoreDBClient } from '@eventstore/db-client';
import { EventStore, START } from '../../../event-store/src/event-store.port';
import { EventStoreDbEventStore } from '../../../event-store/src/eventstoredb/eventstoredb-event-store';
import { EventStoreDbSnapshotStore } from '../../../event-store/src/eventstoredb/eventstoredb-snapshot-store';
import { PostgresEventStore } from '../../../event-store/src/postgres';
import { SnapshotStore } from '../../../event-store/src/snapshot-store.port';
import { HealthCheck } from '../health/health-check';
import { Logger } from '../logger';
import { EventStoreSettings } from './production-settings';
import { EngineUnreachableError, withinTimeout } from './engine-unreachable.error';

export interface ConnectedEventStore {
  store: EventStore;
  snapshots: SnapshotStore;
  health: HealthCheck;
}

/**
 * Connects the configured event store and proves it answers (a read of the log's first event)
 * before the app goes on; an unreachable one is an EngineUnreachableError naming the setting.
 */
export async function connectEventStore(
  settings: EventStoreSettings,
  logger: Logger,
  timeoutMs: number,
): Promise<ConnectedEventStore> {
  const connected =
    settings.kind === 'postgres'
      ? await connectPostgres(settings.url, logger, timeoutMs)
      : connectEventStoreDb(settings.url, logger);
  const probe = () => connected.store.readAll({ after: START, maxCount: 1 }).then(() => undefined);
  await withinTimeout(probe(), timeoutMs).catch((err: unknown) => {
    void connected.store.close().catch(() => undefined);
    throw new EngineUnreachableError(engineName(settings), variableOf(settings), settings.url, err);
  });
  return { ...connected, health: { component: engineName(settings), check: probe } };
}

async function connectPostgres(url: string, logger: Logger, timeoutMs: number) {
  try {
    const store = await PostgresEventStore.connect(url, { logger, connectTimeoutMs: timeoutMs });
    return { store, snapshots: store.snapshotStore() };
  } catch (err) {
    throw new EngineUnreachableError('postgresql', 'DATABASE_URL', url, err);
  }
}

/** One client for the events and their snapshots (the client connects lazily, on first call). */
function connectEventStoreDb(url: string, logger: Logger) {
  const client = EventStoreDBClient.connectionString(url);
  return {
    store: new EventStoreDbEventStore(client, { logger, disposeClientOnClose: true }),
    snapshots: new EventStoreDbSnapshotStore(client),
  };
}

const engineName = (s: EventStoreSettings) =>
  s.kind === 'postgres' ? 'postgresql' : 'eventstoredb';
const variableOf = (s: EventStoreSettings) =>
  s.kind === 'postgres' ? 'DATABASE_URL' : 'EVENTSTORE_URL';

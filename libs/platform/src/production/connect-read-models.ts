import { CassandraReadModelStore } from '../../../read-models/src/cassandra/cassandra-read-model-store';
import { ReadModelStore } from '../../../read-models/src/read-model-store.port';
import { HealthCheck } from '../health/health-check';
import { CassandraSettings } from './production-settings';
import { EngineUnreachableError, withinTimeout } from './engine-unreachable.error';

export interface ConnectedReadModels {
  readModels: ReadModelStore;
  health: HealthCheck;
}

/** The read models on ScyllaDB/Cassandra, schema ensured, proven to answer a read. */
export async function connectReadModels(
  settings: CassandraSettings,
  timeoutMs: number,
): Promise<ConnectedReadModels> {
  const target = settings.contactPoints.join(',');
  let readModels: ReadModelStore;
  try {
    readModels = await withinTimeout(
      CassandraReadModelStore.connect({ ...settings, connectTimeoutMs: timeoutMs }),
      timeoutMs + 30_000, // schema creation on a fresh keyspace takes a few DDL round trips
    );
  } catch (err) {
    throw new EngineUnreachableError('cassandra', 'CASSANDRA_CONTACT_POINTS', target, err);
  }
  const probe = () => readModels.getCheckpoint().then(() => undefined);
  return { readModels, health: { component: 'cassandra', check: probe } };
}

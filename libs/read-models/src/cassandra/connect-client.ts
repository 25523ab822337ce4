import { Client } from 'cassandra-driver';
import { ResolvedCassandraOptions } from './cassandra-options';

/**
 * A connected client. Load balancing is the driver's default policy: token-aware (a prepared
 * statement goes straight to a replica of its partition) over DC-aware round robin, local DC
 * `localDataCenter`. When no contact point answers, fails with an error that says which contact
 * points were tried and how to set them.
 */
export async function connectClient(options: ResolvedCassandraOptions): Promise<Client> {
  const client = new Client({
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter,
    queryOptions: { consistency: options.consistency, prepare: true },
    encoding: { useUndefinedAsUnset: true },
    socketOptions: { connectTimeout: options.connectTimeoutMs },
  });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.shutdown().catch(() => undefined);
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '');
    throw new Error(
      `Cannot reach Cassandra/ScyllaDB at CASSANDRA_CONTACT_POINTS=${options.contactPoints.join(',')} ` +
        `(local DC ${options.localDataCenter}): ${reason}. Start it (npm run infra:up) or point ` +
        'CASSANDRA_CONTACT_POINTS at a reachable node.',
      { cause: error },
    );
  }
}

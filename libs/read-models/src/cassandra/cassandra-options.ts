import { types } from 'cassandra-driver';

/** Which server speaks CQL to us: the keyspace DDL differs (ScyllaDB tablets), tables do not. */
export type CqlBackend = 'cassandra' | 'scylla';

export interface CassandraReadModelOptions {
  /** `host` or `host:port`, as CASSANDRA_CONTACT_POINTS lists them (comma-separated). */
  contactPoints: string[];
  /** The driver's token- and DC-aware default load balancing routes to this DC. */
  localDataCenter: string;
  /** Default `eventchat_read_models`; letters, digits and `_`, starting with a letter. */
  keyspace?: string;
  backend?: CqlBackend;
  /** The keyspace's replication map; default NetworkTopologyStrategy, 1 replica in the local DC. */
  replication?: Record<string, string | number>;
  /** ScyllaDB only: renders `AND tablets = {'enabled': …}`; left to the server's default if unset. */
  scyllaTablets?: boolean;
  /** Every read and write; default LOCAL_QUORUM (read-your-writes within the DC). */
  consistency?: types.consistencies;
  /** Rows per page for every multi-row read (the driver's fetchSize). Default 500. */
  fetchSize?: number;
  /** Write requests (statements or single-partition batches) in flight per apply. Default 64. */
  writeConcurrency?: number;
  /** Create the keyspace and tables if missing (default true). */
  createSchema?: boolean;
  /** The checkpoint row's key, one per projection sharing the keyspace. Default `read-models`. */
  projection?: string;
  connectTimeoutMs?: number;
}

export type ResolvedCassandraOptions = Required<Omit<CassandraReadModelOptions, 'scyllaTablets'>> &
  Pick<CassandraReadModelOptions, 'scyllaTablets'>;

export const DEFAULT_KEYSPACE = 'eventchat_read_models';

/** Keyspace names are spliced into CQL text, so only plain identifiers are accepted. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

export function resolveOptions(options: CassandraReadModelOptions): ResolvedCassandraOptions {
  const keyspace = options.keyspace ?? DEFAULT_KEYSPACE;
  if (!IDENTIFIER.test(keyspace)) {
    throw new Error(
      `Invalid Cassandra keyspace name '${keyspace}': use [A-Za-z][A-Za-z0-9_]{0,47}`,
    );
  }
  if (options.contactPoints.length === 0) {
    throw new Error('No Cassandra contact points: set CASSANDRA_CONTACT_POINTS (host:port,...)');
  }
  return {
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter,
    keyspace,
    backend: options.backend ?? 'cassandra',
    replication: options.replication ?? {
      class: 'NetworkTopologyStrategy',
      [options.localDataCenter]: 1,
    },
    scyllaTablets: options.scyllaTablets,
    consistency: options.consistency ?? types.consistencies.localQuorum,
    fetchSize: options.fetchSize ?? 500,
    writeConcurrency: options.writeConcurrency ?? 64,
    createSchema: options.createSchema ?? true,
    projection: options.projection ?? 'read-models',
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
  };
}

/**
 * Options from the environment: CASSANDRA_CONTACT_POINTS (required), CASSANDRA_LOCAL_DC
 * (default datacenter1), CASSANDRA_KEYSPACE, CASSANDRA_BACKEND (cassandra|scylla),
 * CASSANDRA_REPLICATION_FACTOR (in the local DC, default 1).
 */
export function cassandraOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): CassandraReadModelOptions {
  const contactPoints = (env.CASSANDRA_CONTACT_POINTS ?? '')
    .split(',')
    .map((point) => point.trim())
    .filter(Boolean);
  if (contactPoints.length === 0) {
    throw new Error('CASSANDRA_CONTACT_POINTS is not set (host:port,...; npm run infra:up)');
  }
  const localDataCenter = env.CASSANDRA_LOCAL_DC || 'datacenter1';
  const backend = env.CASSANDRA_BACKEND || 'cassandra';
  if (backend !== 'cassandra' && backend !== 'scylla') {
    throw new Error(`CASSANDRA_BACKEND must be cassandra or scylla, not '${backend}'`);
  }
  const factor = Number(env.CASSANDRA_REPLICATION_FACTOR || 1);
  if (!Number.isInteger(factor) || factor < 1) {
    throw new Error('CASSANDRA_REPLICATION_FACTOR must be a positive integer');
  }
  return {
    contactPoints,
    localDataCenter,
    backend,
    ...(env.CASSANDRA_KEYSPACE ? { keyspace: env.CASSANDRA_KEYSPACE } : {}),
    replication: { class: 'NetworkTopologyStrategy', [localDataCenter]: factor },
  };
}

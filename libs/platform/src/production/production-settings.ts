/**
 * The settings of an app in production mode, read from the environment and validated before
 * anything connects or listens. A missing or malformed setting is a ConfigError whose message
 * names the variable, what it is for and an example; the entry point prints it as one line and
 * exits non-zero. Nothing here falls back to the embedded engines or touches DATA_DIR.
 */
export type AppRole = 'command-api' | 'projector' | 'realtime-gateway';

export type EventStoreSettings =
  { kind: 'postgres'; url: string } | { kind: 'eventstoredb'; url: string };

export interface CassandraSettings {
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
}

export interface ProductionSettings {
  role: AppRole;
  jwtSecret: string;
  devTokens: boolean;
  eventStore?: EventStoreSettings;
  cassandra?: CassandraSettings;
  kafkaBrokers?: string[];
  redisUrl?: string;
  commandApiUrl?: string;
  /** How long start-up waits for each engine before giving up. */
  connectTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Which engines each app needs. */
const NEEDS: Record<
  AppRole,
  { eventStore: boolean; cassandra: boolean; kafka: boolean; redis: boolean; commandApi: boolean }
> = {
  'command-api': {
    eventStore: true,
    cassandra: true,
    kafka: false,
    redis: false,
    commandApi: false,
  },
  projector: { eventStore: true, cassandra: true, kafka: true, redis: false, commandApi: false },
  'realtime-gateway': {
    eventStore: false,
    cassandra: true,
    kafka: true,
    redis: true,
    commandApi: true,
  },
};

const MIN_SECRET_LENGTH = 32;

export function loadProductionSettings(role: AppRole, env: NodeJS.ProcessEnv): ProductionSettings {
  const needs = NEEDS[role];
  return {
    role,
    jwtSecret: jwtSecret(env),
    devTokens: env.DEV_TOKENS === 'true',
    eventStore: needs.eventStore ? eventStore(env) : undefined,
    cassandra: needs.cassandra ? cassandra(env) : undefined,
    kafkaBrokers: needs.kafka
      ? hostPorts(
          env,
          'KAFKA_BROKERS',
          'the Kafka bootstrap brokers',
          '10.0.0.5:9092,10.0.0.6:9092',
        )
      : undefined,
    redisUrl: needs.redis
      ? url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'the Redis server', 'redis://10.0.0.7:6379')
      : undefined,
    commandApiUrl: needs.commandApi
      ? url(
          env,
          'COMMAND_API_URL',
          ['http:', 'https:'],
          'the command API the gateway forwards commands to',
          'http://command-api:3000',
        )
      : undefined,
    connectTimeoutMs: positiveInt(env, 'ENGINE_CONNECT_TIMEOUT_MS', 15_000),
  };
}

function jwtSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.JWT_SECRET;
  if (!secret)
    throw new ConfigError(
      'JWT_SECRET',
      'JWT_SECRET is not set: the HS256 secret shared with your identity provider (tokens carry sub = user id and roles)',
    );
  if (secret.length < MIN_SECRET_LENGTH)
    throw new ConfigError(
      'JWT_SECRET',
      `JWT_SECRET is too short: use at least ${MIN_SECRET_LENGTH} characters`,
    );
  return secret;
}

function eventStore(env: NodeJS.ProcessEnv): EventStoreSettings {
  const kind = env.EVENT_STORE ?? 'postgres';
  if (kind === 'postgres')
    return {
      kind,
      url: url(
        env,
        'DATABASE_URL',
        ['postgres:', 'postgresql:'],
        'the PostgreSQL event store',
        'postgres://chat@10.0.0.4:5432/chat',
      ),
    };
  if (kind === 'eventstoredb')
    return {
      kind,
      url: url(
        env,
        'EVENTSTORE_URL',
        ['esdb:', 'esdb+discover:', 'kurrentdb:'],
        'the EventStoreDB event store',
        'esdb://10.0.0.4:2113?tls=false',
      ),
    };
  throw new ConfigError(
    'EVENT_STORE',
    `EVENT_STORE must be "postgres" or "eventstoredb", got "${kind}"`,
  );
}

function cassandra(env: NodeJS.ProcessEnv): CassandraSettings {
  return {
    contactPoints: hostPorts(
      env,
      'CASSANDRA_CONTACT_POINTS',
      'the ScyllaDB/Cassandra read-model nodes',
      '10.0.0.8:9042,10.0.0.9:9042',
    ),
    localDataCenter: env.CASSANDRA_LOCAL_DC || 'datacenter1',
    keyspace: identifier(env, 'CASSANDRA_KEYSPACE', 'eventchat'),
  };
}

function url(
  env: NodeJS.ProcessEnv,
  name: string,
  protocols: string[],
  what: string,
  example: string,
): string {
  const value = env[name];
  if (!value)
    throw new ConfigError(name, `${name} is not set: the URL of ${what}, e.g. ${example}`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `${name} is not a URL: "${value}" (e.g. ${example})`);
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(
      name,
      `${name} must start with ${protocols.join(' or ')}//, got "${parsed.protocol}//" (e.g. ${example})`,
    );
  return value;
}

function hostPorts(env: NodeJS.ProcessEnv, name: string, what: string, example: string): string[] {
  const value = env[name];
  if (!value)
    throw new ConfigError(
      name,
      `${name} is not set: ${what} as host:port, comma-separated, e.g. ${example}`,
    );
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.find((hp) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(hp));
  if (list.length === 0 || bad !== undefined)
    throw new ConfigError(
      name,
      `${name} must be host:port pairs, comma-separated; "${bad ?? value}" is not (e.g. ${example})`,
    );
  return list;
}

function identifier(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] || fallback;
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(value))
    throw new ConfigError(
      name,
      `${name} must be a lowercase identifier (letters, digits, _), got "${value}"`,
    );
  return value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(name, `${name} must be a positive integer, got "${value}"`);
  return n;
}

import { ClientConfig, Pool } from 'pg';
import type { Logger } from 'pino';

export interface ConnectionOptions {
  /** Pooled connections (appends take one per batch in flight; reads one each). */
  poolSize: number;
  /** Server-side limit for every statement (statement_timeout), in ms. */
  statementTimeoutMs: number;
  /** Longest wait for a new connection, in ms. */
  connectTimeoutMs: number;
  /** application_name, to find this store's sessions in pg_stat_activity. */
  applicationName: string;
}

/**
 * Settings shared by the pool and the listener's dedicated client. A statement timeout on the
 * server plus a slightly longer read timeout on the client bound every query, so a stuck or
 * unreachable server makes appends reject instead of hang; TCP keepalive notices dead peers.
 */
export function connectionConfig(url: string, options: ConnectionOptions): ClientConfig {
  return {
    connectionString: url,
    application_name: options.applicationName,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 5_000,
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

export function createPool(config: ClientConfig, options: ConnectionOptions, logger: Logger): Pool {
  const pool = new Pool({ ...config, max: options.poolSize, idleTimeoutMillis: 30_000 });
  // An idle pooled connection that breaks is dropped by the pool; without a listener its
  // 'error' would crash the process.
  pool.on('error', (err) => logger.warn({ err }, 'idle PostgreSQL connection lost'));
  return pool;
}

/** Fails with an error that says what to set when the server cannot be reached. */
export async function verifyConnection(pool: Pool, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL event store: cannot reach the server at DATABASE_URL=${redact(url)} ` +
        `(${(err as Error).message || String(err)}). Set DATABASE_URL to a reachable ` +
        'PostgreSQL 15+ server (npm run infra:up starts one).',
      { cause: err },
    );
  }
}

/** The URL with its password replaced, for messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

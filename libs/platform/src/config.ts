import { resolve } from 'node:path';

export type RunMode = 'embedded' | 'production';

export interface AppConfig {
  mode: RunMode;
  host: string;
  port: number;
  dataDir: string;
  /** HS256 secret for access tokens. Embedded mode generates-and-stores one if unset. */
  jwtSecret?: string;
  /** `POST /v1/auth/dev-token` is available (embedded/dev only; off in production). */
  devTokens: boolean;
  tokenTtlSeconds: number;
  maxGroupSize: number;
  logLevel: string;
  /** WebSocket heartbeat: clients ping every interval; offline after timeout without one. */
  heartbeatIntervalMs: number;
  presenceTimeoutMs: number;
}

/** An environment setting that must be a non-negative integer (`fallback` when unset or empty). */
export const envCount = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
};

/** Reads configuration from the environment once, failing fast on bad values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const mode: RunMode = env.CHAT_MODE === 'production' ? 'production' : 'embedded';
  return {
    mode,
    host: env.HOST ?? '0.0.0.0',
    port: envCount(env.PORT, 3000, 'PORT'),
    dataDir: resolve(env.DATA_DIR ?? './data'),
    jwtSecret: env.JWT_SECRET || undefined,
    devTokens: env.DEV_TOKENS ? env.DEV_TOKENS === 'true' : mode === 'embedded',
    tokenTtlSeconds: envCount(env.TOKEN_TTL_SECONDS, 24 * 3600, 'TOKEN_TTL_SECONDS'),
    maxGroupSize: envCount(env.MAX_GROUP_SIZE, 100, 'MAX_GROUP_SIZE'),
    logLevel: env.LOG_LEVEL ?? 'info',
    heartbeatIntervalMs: envCount(env.HEARTBEAT_INTERVAL_MS, 30_000, 'HEARTBEAT_INTERVAL_MS'),
    presenceTimeoutMs: envCount(env.PRESENCE_TIMEOUT_MS, 60_000, 'PRESENCE_TIMEOUT_MS'),
  };
}

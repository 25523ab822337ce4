import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { newDataDir, runToExit } from '../support/server-process';

/**
 * Production start-up refuses honestly: a missing, malformed or unreachable setting ends the
 * process before it listens, with one line naming the variable and a non-zero exit, and nothing
 * is written to DATA_DIR (no silent fall-back to the embedded engines). Settings are checked
 * before any engine is contacted, so no real server is needed here; unreachable engines are
 * tested beside real ones in test/real/production-start-up.real.spec.ts.
 */
const APPS = {
  'command-api': 'dist/apps/command-api/src/main.js',
  projector: 'dist/apps/projector/src/main.js',
  'realtime-gateway': 'dist/apps/realtime-gateway/src/main.js',
} as const;

const CLOSED = '127.0.0.1:9'; // discard port: nothing listens there (never reached here)
const complete = {
  CHAT_MODE: 'production',
  JWT_SECRET: 'x'.repeat(40),
  DATABASE_URL: `postgres://postgres@${CLOSED}/eventchat`,
  CASSANDRA_CONTACT_POINTS: CLOSED,
  KAFKA_BROKERS: CLOSED,
  REDIS_URL: `redis://${CLOSED}`,
  COMMAND_API_URL: `http://${CLOSED}`,
  ENGINE_CONNECT_TIMEOUT_MS: '1500',
  PORT: '0',
};

/** The settings each app needs, in the order it checks them. */
const NEEDS: Record<keyof typeof APPS, (keyof typeof complete)[]> = {
  'command-api': ['JWT_SECRET', 'DATABASE_URL', 'CASSANDRA_CONTACT_POINTS'],
  projector: ['JWT_SECRET', 'DATABASE_URL', 'CASSANDRA_CONTACT_POINTS', 'KAFKA_BROKERS'],
  'realtime-gateway': [
    'JWT_SECRET',
    'CASSANDRA_CONTACT_POINTS',
    'KAFKA_BROKERS',
    'REDIS_URL',
    'COMMAND_API_URL',
  ],
};

/** The one line about the refusal (logs may precede it). */
const refusal = (output: string) =>
  output.split('\n').filter((line) => line.includes('cannot start'));

describe.each(Object.entries(APPS))('%s in production mode', (app, main) => {
  const needs = NEEDS[app as keyof typeof APPS];

  it.each(needs)('refuses to start without %s, naming it, and writes nothing', async (name) => {
    const dataDir = join(newDataDir(), 'data');
    const { code, output } = await runToExit(main, {
      ...complete,
      [name]: undefined,
      DATA_DIR: dataDir,
    });
    expect(code).toBe(78);
    expect(refusal(output)).toEqual([expect.stringContaining(`${name} is not set`)]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a malformed setting, naming it', async () => {
    const malformed = needs.includes('DATABASE_URL')
      ? { DATABASE_URL: 'mysql://somewhere/db' }
      : { KAFKA_BROKERS: 'not a host list' };
    const { code, output } = await runToExit(main, { ...complete, ...malformed });
    expect(code).toBe(78);
    expect(refusal(output)).toEqual([expect.stringContaining(Object.keys(malformed)[0])]);
  });
});

it('rejects a JWT_SECRET too short to be safe', async () => {
  const { code, output } = await runToExit(APPS['command-api'], {
    ...complete,
    JWT_SECRET: 'short',
  });
  expect(code).toBe(78);
  expect(refusal(output)).toEqual([expect.stringContaining('JWT_SECRET is too short')]);
});

import { runToExit } from '../support/server-process';
import { JWT_SECRET, requireInfra } from './production-stack';

/**
 * Each app, with every engine real but one: the one that does not answer is named by its
 * setting in the single refusal line, and the app exits 69 before it listens.
 */
const CLOSED = '127.0.0.1:9';
const APPS = {
  'command-api': {
    main: 'dist/apps/command-api/src/main.js',
    engines: ['DATABASE_URL', 'CASSANDRA_CONTACT_POINTS'],
  },
  projector: {
    main: 'dist/apps/projector/src/main.js',
    engines: ['DATABASE_URL', 'CASSANDRA_CONTACT_POINTS', 'KAFKA_BROKERS'],
  },
  'realtime-gateway': {
    main: 'dist/apps/realtime-gateway/src/main.js',
    engines: ['CASSANDRA_CONTACT_POINTS', 'KAFKA_BROKERS', 'REDIS_URL'],
  },
};
const unreachable: Record<string, string> = {
  DATABASE_URL: `postgres://postgres@${CLOSED}/eventchat`,
  CASSANDRA_CONTACT_POINTS: CLOSED,
  KAFKA_BROKERS: CLOSED,
  REDIS_URL: `redis://${CLOSED}`,
};

describe.each(Object.entries(APPS))('%s with one engine unreachable', (_app, { main, engines }) => {
  it.each(engines)('refuses, naming %s', async (name) => {
    const real = requireInfra(
      'DATABASE_URL',
      'CASSANDRA_CONTACT_POINTS',
      'KAFKA_BROKERS',
      'REDIS_URL',
    );
    const env = {
      ...real,
      CHAT_MODE: 'production',
      JWT_SECRET,
      COMMAND_API_URL: 'http://127.0.0.1:9',
      ENGINE_CONNECT_TIMEOUT_MS: '3000',
      PORT: '0',
      [name]: unreachable[name],
    };
    const { code, output } = await runToExit(main, env, 90_000);
    const lines = output.split('\n').filter((line) => line.includes('cannot start'));
    expect(lines).toEqual([expect.stringContaining(`cannot reach`)]);
    expect(lines[0]).toContain(`${name}=`);
    expect(code).toBe(69);
    expect(output).not.toContain('"event":"listening"');
  });
});

import { PostgresEventStore } from '../../libs/event-store/src/postgres';
import { RecordedEvent } from '../../libs/event-store/src/event-store.port';
import { readWholeStream } from '../../libs/event-store/src/read-pages';
import { ServerProcess, startServer } from '../support/server-process';

/**
 * Production-mode processes on the real servers of `npm run infra:up` (test:real passes their
 * settings). Every app gets the same JWT secret, so a token works across processes.
 */
export const JWT_SECRET = 'real-tier-secret-'.padEnd(48, 'x');

export function requireInfra(...names: string[]): Record<string, string> {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length > 0)
    throw new Error(
      `${missing.join(', ')} not set: run via \`npm run test:real\` after \`npm run infra:up\``,
    );
  return Object.fromEntries(names.map((n) => [n, process.env[n]!]));
}

export function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CHAT_MODE: 'production',
    JWT_SECRET,
    DEV_TOKENS: 'true',
    LOG_LEVEL: 'info', // the start-up line (with the port) is logged at info
    ...requireInfra('DATABASE_URL', 'CASSANDRA_CONTACT_POINTS'),
    ...extra,
  };
}

export const startCommandApi = (env: Record<string, string> = {}): Promise<ServerProcess> =>
  startServer({
    main: 'dist/apps/command-api/src/main.js',
    env: productionEnv(env),
    startTimeoutMs: 60_000,
  });

/** Reads a whole conversation stream straight from PostgreSQL (the source of truth). */
export async function storedConversation(conversationId: string): Promise<RecordedEvent[]> {
  const store = await PostgresEventStore.connect(process.env.DATABASE_URL, { poolSize: 2 });
  try {
    return await readWholeStream(store, `conversation-${conversationId}`);
  } finally {
    await store.close();
  }
}

export const sentMessages = (events: RecordedEvent[]) =>
  events
    .filter((e) => e.type === 'MessageSent')
    .map(
      (e) =>
        e.data as { seq: number; clientMessageId: string; messageId: string; senderId: string },
    );

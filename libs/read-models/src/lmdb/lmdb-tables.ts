import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database, Key, RootDatabase, open } from 'lmdb';
import { ConversationKind, TimelineMessage } from '../../../domain/src';
import { Watermarks } from '../watermarks';

/** Conversation header; lastSeq is not stored here but derived from the newest message key. */
export interface ConversationRow {
  conversationId: string;
  kind: ConversationKind;
  title?: string;
  createdAt: string;
}

/**
 * The named databases of one LMDB environment. Keys are ordered-binary tuples, so every
 * row is addressed by its natural identity and re-writing it is idempotent:
 * - conversations: conversationId → ConversationRow
 * - members:       [conversationId, userId] → true     (current members)
 * - inbox:         [userId, conversationId] → true     (per-user index of the same set)
 * - messages:      [conversationId, seq] → TimelineMessage
 * - receipts:      [conversationId, userId] → Watermarks (kept for former members too)
 * - meta:          'checkpoint' → the last applied global position (string; a number before)
 */
export interface LmdbTables {
  root: RootDatabase;
  conversations: Database<ConversationRow, string>;
  members: Database<true, [string, string]>;
  inbox: Database<true, [string, string]>;
  messages: Database<TimelineMessage, [string, number]>;
  receipts: Database<Watermarks, [string, string]>;
  meta: Database<string | number, string>;
}

export const CHECKPOINT_KEY = 'checkpoint';
export const READ_MODELS_FILE = 'read-models.mdb';

export function openTables(dir: string): LmdbTables {
  mkdirSync(dir, { recursive: true });
  // noSync: the read models are a cache of the event log; see platform/src/storage/reboot-guard.ts
  // for why that is safe. useWritemap: a commit then writes into the map, with no system call;
  // with synchronous transactions (LmdbReadModelStore.apply), that and skipping lmdb-js's write
  // thread cut the server's CPU per message by about a fifth (docs/performance.md).
  const root = open({
    path: join(dir, READ_MODELS_FILE),
    maxDbs: 12,
    noSync: true,
    useWritemap: true,
  });
  // Values are plain JSON data: V8's JSON is faster both ways than msgpack with per-value
  // record definitions (no shared structures, which would need care across processes).
  const table = <V, K extends Key>(name: string): Database<V, K> =>
    root.openDB<V, K>({ name, encoding: 'json' });
  return {
    root,
    conversations: table('conversations'),
    members: table('members'),
    inbox: table('inbox'),
    messages: table('messages'),
    receipts: table('receipts'),
    meta: table('meta'),
  };
}

/** Second elements of every [prefix, x] key, in key order (null sorts before any value). */
export function* secondKeysWithPrefix<S extends Key>(
  db: Database<unknown, [string, S]>,
  prefix: string,
): Generator<S> {
  for (const key of db.getKeys({ start: [prefix, null] as unknown as [string, S] })) {
    if (key[0] !== prefix) return;
    yield key[1];
  }
}

/** The highest message seq of a conversation (0 without messages), read from keys only. */
export function lastSeqOf(tables: LmdbTables, conversationId: string): number {
  for (const key of tables.messages.getKeys({
    start: [conversationId, Infinity],
    end: [conversationId, -Infinity],
    reverse: true,
    limit: 1,
  })) {
    return key[1];
  }
  return 0;
}

/** The newest message of a conversation (highest seq), if any. */
export function newestMessage(
  tables: LmdbTables,
  conversationId: string,
): TimelineMessage | undefined {
  for (const { value } of tables.messages.getRange({
    start: [conversationId, Infinity],
    end: [conversationId, -Infinity],
    reverse: true,
    limit: 1,
  })) {
    return value;
  }
  return undefined;
}

import { RecordedEvent } from '../event-store.port';
import { padU64 } from '../position';

/** Length of a hex SHA-256 hash. */
const HASH_LENGTH = 64;

/**
 * Value of the `events` db: the event's hash (64 hex chars) followed by its canonical form
 * (see canonicalForm in hash-chain.ts), which holds everything else. The stored text is thus
 * exactly what the hash covers: writing it costs no second serialization, and reading it back
 * is one JSON.parse (data and metadata come back as the JSON values they were hashed as).
 */
export function encodeStoredEvent(hash: string, canonical: string): string {
  if (hash.length !== HASH_LENGTH) throw new Error(`not a SHA-256 hex hash: ${hash}`);
  return hash + canonical;
}

export function decodeStoredEvent(stored: string, position: number): RecordedEvent {
  const { data, metadata, revision, streamId, type } = JSON.parse(stored.slice(HASH_LENGTH));
  metadata.hash = storedHash(stored);
  return { streamId, revision, position: encodeLmdbPosition(position), type, data, metadata };
}

/** The log key (a dense integer from 1) as the port's opaque, string-ordered position. */
export const encodeLmdbPosition = (key: number): string => padU64(key);

/** The log key of a position this store made ('' = START = 0). */
export function decodeLmdbPosition(position: string): number {
  if (position === '') return 0;
  const key = Number(position);
  if (!Number.isSafeInteger(key) || key < 0)
    throw new RangeError(`not an LMDB position: ${position}`);
  return key;
}

/** The hash of a stored event, without parsing the rest. */
export const storedHash = (stored: string): string => stored.slice(0, HASH_LENGTH);

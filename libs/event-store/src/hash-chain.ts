import { hash as sha256 } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { ChainedMetadata, EventMetadata } from '../../domain/src';
import { NewEvent, RecordedEvent } from './event-store.port';

/** prevHash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export interface SealedEvent {
  type: string;
  data: object;
  metadata: ChainedMetadata;
}

/** A sealed event plus the canonical form its hash was computed over (what the LMDB store keeps). */
export interface CanonicalSealedEvent extends SealedEvent {
  canonical: string;
}

export type ChainVerdict = { ok: true } | { ok: false; revision: number; reason: string };

/**
 * The canonical form of an event, the exact text its hash covers (auditors recompute it):
 * key-sorted JSON (safe-stable-stringify, keys in UTF-16 code-unit order, no whitespace) of
 * `{ data, metadata, revision, streamId, type }`, where metadata is everything but `hash`
 * (so it includes `prevHash`). `hash` = lowercase hex SHA-256 of its UTF-8 bytes. The hash
 * covers which stream, where in it, what happened, and the link to the previous event, and
 * is independent of property order and of the storage encoding.
 */
export function canonicalForm(streamId: string, revision: number, event: SealedEvent): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  return canonicalOf(streamId, revision, event.type, event.data, metadata);
}

function canonicalOf(
  streamId: string,
  revision: number,
  type: string,
  data: object,
  metadata: object,
): string {
  return stringify({ data, metadata, revision, streamId, type }) ?? '';
}

export const hashOfCanonical = (canonical: string): string => sha256('sha256', canonical, 'hex');

/**
 * Adds prevHash/hash to events about to be appended at `firstRevision` of `streamId`, where
 * `prevHash` is the hash of the stream's event at `firstRevision - 1` (GENESIS_HASH for 0).
 */
export function sealEvents(
  streamId: string,
  firstRevision: number,
  prevHash: string,
  events: NewEvent[],
): CanonicalSealedEvent[] {
  let previous = prevHash;
  return events.map(({ type, data, metadata }, i) => {
    // `hash` is set only once the canonical form (which excludes it) has been taken.
    const chained = { ...withoutHash(metadata), prevHash: previous } as ChainedMetadata;
    const canonical = canonicalOf(streamId, firstRevision + i, type, data, chained);
    chained.hash = previous = hashOfCanonical(canonical);
    return { type, data, metadata: chained, canonical };
  });
}

/** A caller's metadata cannot smuggle a `hash` into the canonical form (rare: copy only then). */
function withoutHash(metadata: EventMetadata): EventMetadata {
  if (!Object.prototype.hasOwnProperty.call(metadata, 'hash')) return metadata;
  const { hash: _ignored, ...rest } = metadata as ChainedMetadata;
  return rest;
}

/**
 * Checks a whole stream, read forwards from revision 0: revisions are consecutive, every event
 * links to its predecessor's hash (genesis for the first) and its own hash matches its content.
 * Any edit, insertion, removal or reordering of stored events breaks one of these.
 */
export function verifyChain(events: RecordedEvent[]): ChainVerdict {
  let expectedPrev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.revision !== i)
      return { ok: false, revision: event.revision, reason: `expected revision ${i}` };
    if (i > 0 && event.streamId !== events[0].streamId) {
      return { ok: false, revision: event.revision, reason: 'event of another stream' };
    }
    if (event.metadata.prevHash !== expectedPrev) {
      return {
        ok: false,
        revision: event.revision,
        reason: 'prevHash does not match the previous hash',
      };
    }
    if (
      hashOfCanonical(canonicalForm(event.streamId, event.revision, event)) !== event.metadata.hash
    ) {
      return { ok: false, revision: event.revision, reason: 'hash does not match the content' };
    }
    expectedPrev = event.metadata.hash;
  }
  return { ok: true };
}

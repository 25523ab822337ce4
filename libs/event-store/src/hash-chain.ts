import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { ChainedMetadata } from '../../domain/src';
import { NewEvent, RecordedEvent } from './event-store.port';

/** prevHash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export interface SealedEvent {
  type: string;
  data: object;
  metadata: ChainedMetadata;
}

export type ChainVerdict = { ok: true } | { ok: false; revision: number; reason: string };

/**
 * The hash covers everything an auditor relies on: which stream, where in it, what happened,
 * and the link to the previous event. Canonical (key-sorted) JSON makes it independent of
 * property order and of the storage encoding.
 */
function hashOf(streamId: string, revision: number, event: SealedEvent): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  const canonical = stringify({ streamId, revision, type: event.type, data: event.data, metadata });
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex');
}

/**
 * Adds prevHash/hash to events about to be appended at `firstRevision` of `streamId`, where
 * `prevHash` is the hash of the stream's event at `firstRevision - 1` (GENESIS_HASH for 0).
 */
export function sealEvents(
  streamId: string,
  firstRevision: number,
  prevHash: string,
  events: NewEvent[],
): SealedEvent[] {
  let previous = prevHash;
  return events.map((event, i) => {
    const unsealed: SealedEvent = {
      type: event.type,
      data: event.data,
      metadata: { ...event.metadata, prevHash: previous, hash: '' },
    };
    const hash = hashOf(streamId, firstRevision + i, unsealed);
    previous = hash;
    return { ...unsealed, metadata: { ...unsealed.metadata, hash } };
  });
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
    if (hashOf(event.streamId, event.revision, event) !== event.metadata.hash) {
      return { ok: false, revision: event.revision, reason: 'hash does not match the content' };
    }
    expectedPrev = event.metadata.hash;
  }
  return { ok: true };
}

import { hash as sha256 } from 'node:crypto';
import { ChainedMetadata, EventMetadata } from '../../domain/src';
import { canonicalEvent, withoutHash } from './canonical-form';
import { RecordedEvent } from './event-store.port';

/** prevHash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event as its writer builds it, before it is sealed into its stream's chain. */
export interface UnsealedEvent {
  type: string;
  data: object;
  metadata: EventMetadata;
}

export interface SealedEvent {
  type: string;
  data: object;
  metadata: ChainedMetadata;
}

/** What the store keeps of a sealed event: its hash and the canonical form the hash covers. */
export interface ChainLink {
  hash: string;
  canonical: string;
}

export type ChainVerdict = { ok: true } | { ok: false; revision: number; reason: string };

/** The canonical form (documented in canonical-form.ts) of a sealed event. */
export function canonicalForm(streamId: string, revision: number, event: SealedEvent): string {
  const { type, data, metadata } = event;
  return canonicalEvent(streamId, revision, type, data, metadata, metadata.prevHash);
}

/** `hash` of an event: lowercase hex SHA-256 of the UTF-8 bytes of its canonical form. */
export const hashOfCanonical = (canonical: string): string => sha256('sha256', canonical, 'hex');

/**
 * The hashes of events about to be appended at `firstRevision` of `streamId`, chained from
 * `prevHash`, the hash of the stream's event at `firstRevision - 1` (GENESIS_HASH for 0).
 */
export function chainEvents(
  streamId: string,
  firstRevision: number,
  prevHash: string,
  events: UnsealedEvent[],
): ChainLink[] {
  let previous = prevHash;
  return events.map(({ type, data, metadata }, i) => {
    const canonical = canonicalEvent(streamId, firstRevision + i, type, data, metadata, previous);
    previous = hashOfCanonical(canonical);
    return { hash: previous, canonical };
  });
}

/**
 * The canonical form each event was sealed with, kept beside it in this process so that a store
 * writing the event in the same process renders it once, not twice (sealing is on the hot path).
 */
const sealedForms = new WeakMap<
  SealedEvent,
  { streamId: string; revision: number; text: string }
>();

/** The events with prevHash/hash added to their metadata (hashes as chainEvents computes). */
export function sealEvents(
  streamId: string,
  firstRevision: number,
  prevHash: string,
  events: UnsealedEvent[],
): SealedEvent[] {
  const links = chainEvents(streamId, firstRevision, prevHash, events);
  return events.map(({ type, data, metadata }, i) => {
    const previous = i === 0 ? prevHash : links[i - 1].hash;
    const sealed = {
      type,
      data,
      metadata: { ...withoutHash(metadata), prevHash: previous, hash: links[i].hash },
    };
    sealedForms.set(sealed, { streamId, revision: firstRevision + i, text: links[i].canonical });
    return sealed;
  });
}

/** canonicalForm, reusing the text the event was sealed with when it was sealed for this place. */
export function sealedCanonicalForm(
  streamId: string,
  revision: number,
  event: SealedEvent,
): string {
  const sealed = sealedForms.get(event);
  return sealed && sealed.streamId === streamId && sealed.revision === revision
    ? sealed.text
    : canonicalForm(streamId, revision, event);
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

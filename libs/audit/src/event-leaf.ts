import { hashOfCanonical } from '../../event-store/src/hash-chain';
import { isHashHex, leafHash } from './merkle-hash';

/**
 * What an event contributes to the Merkle tree (docs/adr-audit-merkle.md, "The leaf").
 *
 * The leaf data of the event at leaf index i (the i-th event of the global log, counting from 0
 * in position order) is the UTF-8 bytes of its hash-chain `hash`: the 64 lowercase hex digits of
 * SHA-256(canonical form), exactly as the store keeps it in front of every record (ADR-11). Its
 * leaf hash is SHA-256(0x00 || those 64 bytes). Since `hash` covers every byte of the canonical
 * form (stream, revision, type, data, metadata with prevHash), the leaf commits to all of them;
 * a verifier recomputes `hash` from the canonical form before trusting the leaf.
 * Not covered: the event's global `position` (adapter-specific, not dense). The leaf index is
 * what the tree proves.
 */

/** The leaf data of an event; throws unless `eventHash` is 64 lowercase hex digits. */
export function eventLeafData(eventHash: string): Buffer {
  if (!isHashHex(eventHash))
    throw new RangeError(
      'an event hash is 64 lowercase hex digits (SHA-256 of the canonical form)',
    );
  return Buffer.from(eventHash, 'utf8');
}

/** SHA-256(0x00 || UTF-8(eventHash)). */
export const eventLeafHash = (eventHash: string): Buffer => leafHash(eventLeafData(eventHash));

/** The leaf hash of an event given its canonical form. */
export const canonicalLeafHash = (canonical: string): Buffer =>
  eventLeafHash(hashOfCanonical(canonical));

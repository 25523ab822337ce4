import { hash } from 'node:crypto';

/**
 * The hashing of RFC 6962 §2.1 / RFC 9162 §2.1.1 with SHA-256:
 *   MTH({})       = SHA-256()                    (the empty tree)
 *   leaf hash     = SHA-256(0x00 || leaf data)
 *   interior node = SHA-256(0x01 || left || right)
 * The 0x00/0x01 prefixes separate the two domains: no leaf's data can be presented as an
 * interior node (or the other way round) to forge a proof (RFC 6962 §2.1, second preimages).
 */

/** Every hash in the tree is a SHA-256 digest of this many bytes. */
export const HASH_BYTES = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// hash() is synchronous, so one scratch buffer serves every interior node without allocating.
const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES);

/** MTH of the empty tree: SHA-256 of the empty string (a fresh Buffer each call). */
export function emptyRoot(): Buffer {
  return hash('sha256', Buffer.alloc(0), 'buffer');
}

/** SHA-256(0x00 || data); a string is taken as its UTF-8 bytes. */
export function leafHash(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const input = Buffer.allocUnsafe(1 + bytes.length);
  input[0] = LEAF_PREFIX;
  input.set(bytes, 1);
  return hash('sha256', input, 'buffer');
}

/** SHA-256(0x01 || left || right). Throws RangeError unless both are 32-byte hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES)
    throw new RangeError(`interior node children must be ${HASH_BYTES}-byte hashes`);
  nodeInput[0] = NODE_PREFIX;
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  return hash('sha256', nodeInput, 'buffer');
}

const HASH_HEX = /^[0-9a-f]{64}$/;

/** True for exactly 64 lowercase hex digits: the one text form of a hash this module accepts. */
export const isHashHex = (value: unknown): value is string =>
  typeof value === 'string' && HASH_HEX.test(value);

/** The 32 bytes of a lowercase hex hash, or undefined for anything else (no lenient parsing). */
export function hashFromHex(value: unknown): Buffer | undefined {
  return isHashHex(value) ? Buffer.from(value, 'hex') : undefined;
}

export const hashToHex = (h: Uint8Array): string => Buffer.from(h).toString('hex');

import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1 transcribed literally, recursion and all, sharing no code with the library: the
 * definition the fast, incremental code is checked against. O(n) hashes per call; tests only.
 */

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};

/** k: the largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

/** MTH(D[n]) of §2.1.1. */
export function naiveMth(d: readonly Uint8Array[]): Buffer {
  const n = d.length;
  if (n === 0) return sha256();
  if (n === 1) return sha256(Uint8Array.of(0x00), d[0]);
  const k = splitPoint(n);
  return sha256(Uint8Array.of(0x01), naiveMth(d.slice(0, k)), naiveMth(d.slice(k)));
}

/** PATH(m, D[n]) of §2.1.3.1. */
export function naivePath(m: number, d: readonly Uint8Array[]): Buffer[] {
  const n = d.length;
  if (n === 1 && m === 0) return [];
  const k = splitPoint(n);
  if (m < k) return [...naivePath(m, d.slice(0, k)), naiveMth(d.slice(k))];
  return [...naivePath(m - k, d.slice(k)), naiveMth(d.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of §2.1.4.1 (0 < m < n). */
export function naiveProof(m: number, d: readonly Uint8Array[]): Buffer[] {
  return subproof(m, d, true);
}

function subproof(m: number, d: readonly Uint8Array[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [naiveMth(d)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(m, d.slice(0, k), b), naiveMth(d.slice(k))];
  return [...subproof(m - k, d.slice(k), false), naiveMth(d.slice(0, k))];
}

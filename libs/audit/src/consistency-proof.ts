import { nodeHash } from './merkle-hash';
import { half, isCount, isHash } from './inclusion-proof';
import { NodeSource } from './merkle-tree';
import { ProofPlan, resolveProof } from './proof-plan';
import { assertCount, largestPowerOfTwoBelow, NodeId, perfectSubtrees } from './tree-shape';
import { invalid, VALID, Verdict } from './verdict';

/**
 * Consistency proofs, RFC 9162 §2.1.4: the log of size n with root R2 extends, by appending only,
 * the log of size m with root R1.
 *
 * Guarantee: if R1 is the MTH of a log of size m and R2 of a log of size n (as two signed
 * checkpoints attest), verifyConsistency accepts only if the first m leaves of the second log are
 * exactly the leaves of the first (unless SHA-256 collides), so a log that rewrote, dropped or
 * reordered any of its first m entries cannot prove consistency with a checkpoint of size m.
 * A proof has at most ceil(log2 n) + 1 hashes.
 *
 * Outside the RFC's 0 < m < n (as transparency-dev/merkle does): m = 0 is consistent with any
 * tree (empty proof); m = n needs an empty proof and R1 = R2; m > n never verifies.
 */

/**
 * The nodes of PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 §2.1.4.1), deepest first:
 * SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}; for m < n and k the
 * largest power of two below n: if m ≤ k, SUBPROOF(m, D[0:k], b) : MTH(D[k:n]), else
 * SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k]).
 */
export function consistencyProofPlan(fromSize: number, toSize: number): ProofPlan {
  assertCount('fromSize', fromSize);
  assertCount('toSize', toSize);
  if (fromSize > toSize) throw new RangeError(`cannot prove size ${fromSize} from ${toSize}`);
  if (fromSize === 0 || fromSize === toSize) return [];
  const topDown: NodeId[][] = [];
  let begin = 0;
  let end = toSize;
  let wholeOldTree = true; // the RFC's b: this subtree starts at leaf 0 of the old tree
  while (fromSize !== end) {
    const split = begin + largestPowerOfTwoBelow(end - begin);
    if (fromSize <= split) {
      topDown.push(perfectSubtrees(split, end));
      end = split;
    } else {
      topDown.push(perfectSubtrees(begin, split));
      begin = split;
      wholeOldTree = false;
    }
  }
  if (!wholeOldTree) topDown.push(perfectSubtrees(begin, end));
  return topDown.reverse();
}

/** The consistency proof from size `fromSize` to size `toSize`, read from `source`. */
export function consistencyProof(source: NodeSource, fromSize: number, toSize: number): Buffer[] {
  return resolveProof(consistencyProofPlan(fromSize, toSize), source);
}

/**
 * RFC 9162 §2.1.4.2, step for step: rebuilds both roots from the proof and compares them with
 * `fromRoot` and `toRoot`. Fails (never throws) on any malformed argument.
 */
export function verifyConsistency(
  fromSize: number,
  toSize: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Verdict {
  if (!isCount(fromSize) || !isCount(toSize)) return invalid('sizes must be counts');
  if (fromSize > toSize) return invalid(`a log cannot shrink from ${fromSize} to ${toSize}`);
  if (!proof.every(isHash)) return invalid('every proof element must be a 32-byte hash');
  if (fromSize === 0) {
    return proof.length === 0 ? VALID : invalid('the proof from the empty tree must be empty');
  }
  if (!isHash(fromRoot) || !isHash(toRoot)) return invalid('roots must be 32 bytes');
  if (fromSize === toSize) {
    if (proof.length !== 0) return invalid('the proof between equal sizes must be empty');
    return Buffer.from(fromRoot).equals(toRoot) ? VALID : invalid('equal sizes, different roots');
  }
  // 1.
  if (proof.length === 0) return invalid('the proof is empty');
  // 2. An old tree that is a perfect subtree of the new one is not repeated in the proof.
  const path = isPowerOfTwo(fromSize) ? [fromRoot, ...proof] : proof;
  // 3.
  let fn = fromSize - 1;
  let sn = toSize - 1;
  // 4.
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return invalid('the proof is longer than the trees require');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  if (sn !== 0) return invalid('the proof is shorter than the trees require');
  if (!fr.equals(fromRoot)) return invalid('the proof does not rebuild the old root');
  if (!sr.equals(toRoot)) return invalid('the proof does not rebuild the new root');
  return VALID;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

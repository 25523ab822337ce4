import { HASH_BYTES, nodeHash } from './merkle-hash';
import { NodeSource } from './merkle-tree';
import { ProofPlan, resolveProof } from './proof-plan';
import { assertCount, largestPowerOfTwoBelow, NodeId, perfectSubtrees } from './tree-shape';
import { invalid, VALID, Verdict } from './verdict';

/**
 * Inclusion proofs (audit paths), RFC 9162 §2.1.3.
 *
 * Guarantee: if `root` is the MTH of a log of size n, verifyInclusion accepts (leaf hash, m, n,
 * root, path) only if that log holds that leaf hash at index m, unless SHA-256 collides. It needs
 * nothing but its arguments (an auditor runs it offline). A path has at most ceil(log2 n) hashes.
 * The "if" matters: an RFC 6962 root does not commit to its tree size, and a path can verify
 * under a wrong size with the same shape (leaf 0 of sizes 3 and 4), so the pair (n, root) must
 * come authenticated together, as a signed checkpoint does (proof-bundle.ts checks both).
 */

/**
 * The nodes of PATH(m, D[n]) (RFC 9162 §2.1.3.1), leaf level first: for n > 1 and k the largest
 * power of two below n, PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k, else
 * PATH(m − k, D[k:n]) : MTH(D[0:k]). Walked here from the root down, then reversed.
 */
export function inclusionProofPlan(leafIndex: number, treeSize: number): ProofPlan {
  assertCount('leafIndex', leafIndex);
  assertCount('treeSize', treeSize);
  if (leafIndex >= treeSize)
    throw new RangeError(`leaf index ${leafIndex} is not in a tree of size ${treeSize}`);
  const topDown: NodeId[][] = [];
  let begin = 0;
  let end = treeSize;
  while (end - begin > 1) {
    const split = begin + largestPowerOfTwoBelow(end - begin);
    if (leafIndex < split) {
      topDown.push(perfectSubtrees(split, end));
      end = split;
    } else {
      topDown.push(perfectSubtrees(begin, split));
      begin = split;
    }
  }
  return topDown.reverse();
}

/** The audit path of leaf `leafIndex` in the tree of size `treeSize`, read from `source`. */
export function inclusionProof(source: NodeSource, leafIndex: number, treeSize: number): Buffer[] {
  return resolveProof(inclusionProofPlan(leafIndex, treeSize), source);
}

/**
 * RFC 9162 §2.1.3.2, step for step: recomputes the root from the leaf hash and the path and
 * compares it with `root`. Fails (never throws) on any malformed argument.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  root: Uint8Array,
  path: readonly Uint8Array[],
): Verdict {
  if (!isCount(leafIndex) || !isCount(treeSize)) return invalid('index and size must be counts');
  // 1. The index must be inside the tree.
  if (leafIndex >= treeSize)
    return invalid(`leaf index ${leafIndex} is not in a tree of size ${treeSize}`);
  if (!isHash(leafHash) || !isHash(root)) return invalid('leaf hash and root must be 32 bytes');
  if (!path.every(isHash)) return invalid('every path element must be a 32-byte hash');
  // 2.–3.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  // 4.
  for (const p of path) {
    if (sn === 0) return invalid('the path is longer than the tree is high');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  if (sn !== 0) return invalid('the path is shorter than the tree is high');
  if (!r.equals(root)) return invalid('the path does not lead to the root');
  return VALID;
}

/** Right shift by one, for sizes beyond 32 bits. */
export const half = (n: number): number => Math.floor(n / 2);

export const isCount = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export const isHash = (h: unknown): h is Uint8Array =>
  h instanceof Uint8Array && h.length === HASH_BYTES;

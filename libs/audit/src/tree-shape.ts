/**
 * Index arithmetic of RFC 6962 trees: no hashing here, only which subtrees make up a range.
 *
 * A node is named by (level, index): the perfect subtree over the 2^level leaves
 * [index·2^level, (index+1)·2^level). Level 0 is the leaf hashes. A perfect subtree's hash never
 * changes once its last leaf is appended, whatever is appended later; that is why a store can
 * persist these nodes as the log grows and answer proofs for any earlier tree size from them.
 *
 * Sizes and indexes are plain numbers and must be safe integers (< 2^53): the arithmetic below
 * uses division, not 32-bit bitwise operators, so it holds for logs beyond 2^32 events.
 */

export interface NodeId {
  level: number;
  index: number;
}

/** Throws RangeError unless `value` is a safe integer ≥ 0. */
export function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
}

/** The k of RFC 9162 §2.1.1: the largest power of two smaller than n (requires n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`needs n ≥ 2, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** ceil(log2 n) for n ≥ 1: the height of an RFC 6962 tree of n leaves. */
export function treeHeight(n: number): number {
  let height = 0;
  for (let width = 1; width < n; width *= 2) height++;
  return height;
}

/**
 * The perfect subtrees that exactly cover the leaves [begin, end), left to right, each as large
 * as its alignment allows (the "compact range" of the range). At most 2·log2(end − begin) + 2
 * nodes; for [0, n) one node per set bit of n, largest first.
 */
export function perfectSubtrees(begin: number, end: number): NodeId[] {
  assertCount('begin', begin);
  assertCount('end', end);
  if (begin > end) throw new RangeError(`empty range [${begin}, ${end})`);
  const nodes: NodeId[] = [];
  let at = begin;
  while (at < end) {
    let level = 0;
    let width = 1;
    while (at % (width * 2) === 0 && at + width * 2 <= end) {
      width *= 2;
      level++;
    }
    nodes.push({ level, index: at / width });
    at += width;
  }
  return nodes;
}

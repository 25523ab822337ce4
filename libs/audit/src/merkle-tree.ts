import { emptyRoot, HASH_BYTES, leafHash, nodeHash } from './merkle-hash';
import { assertCount, NodeId, perfectSubtrees } from './tree-shape';

export { emptyRoot, leafHash, nodeHash } from './merkle-hash';

/**
 * Where perfect-subtree hashes are read from (see tree-shape.ts for the (level, index) naming).
 * A store persists the nodes MerkleFrontier.append reports and implements this with one keyed
 * read per node: every root, inclusion proof and consistency proof below needs O(log n) of them.
 * node() must return the hash of a complete perfect subtree and throw when it does not have it
 * (never a placeholder: a wrong node yields a proof that fails verification, not a wrong "ok").
 * Callers treat the returned bytes as read-only.
 */
export interface NodeSource {
  node(level: number, index: number): Uint8Array;
}

/** A perfect subtree's hash, as MerkleFrontier reports it when the subtree completes. */
export interface MerkleNode extends NodeId {
  hash: Buffer;
}

/**
 * The hash of adjacent subtrees h0, h1, …, hk (left to right, each strictly larger than the
 * next, as perfectSubtrees returns them for a range ending at the tree's right edge), folded
 * from the right: node(h0, node(h1, … node(hk−1, hk))). For such a range this is its MTH: the
 * RFC's split at the largest power of two below the range size is exactly the first subtree.
 */
export function foldSubtrees(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) throw new RangeError('no subtrees to fold');
  let acc: Buffer = Buffer.from(hashes[hashes.length - 1]);
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

/** The hashes of the given nodes, read from the source. */
export const readNodes = (source: NodeSource, ids: readonly NodeId[]): Uint8Array[] =>
  ids.map(({ level, index }) => source.node(level, index));

/** MTH of the first `size` leaves, from O(log size) nodes of a source holding at least them. */
export function rootAt(source: NodeSource, size: number): Buffer {
  assertCount('size', size);
  if (size === 0) return emptyRoot();
  return foldSubtrees(readNodes(source, perfectSubtrees(0, size)));
}

/** MTH(D[n]) of RFC 9162 §2.1.1 over the leaves' data (a string is its UTF-8 bytes). */
export function rootOf(leaves: readonly (Uint8Array | string)[]): Buffer {
  const frontier = MerkleFrontier.empty();
  for (const leaf of leaves) frontier.append(leafHash(leaf));
  return frontier.root();
}

/**
 * The right edge of a growing tree (a compact range [0, size)): one perfect subtree hash per set
 * bit of size, largest first, so O(log n) memory however long the log. It gives the current root
 * and reports every perfect subtree each append completes, for a store to persist; it keeps no
 * leaves. Appending is amortised O(1) hashes (at most log2 n for one append).
 */
export class MerkleFrontier {
  private constructor(
    private count: number,
    private readonly peaks: Buffer[],
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Resumes at `size` from the source's O(log size) perfect subtrees covering [0, size). */
  static fromSource(source: NodeSource, size: number): MerkleFrontier {
    assertCount('size', size);
    const peaks = readNodes(source, perfectSubtrees(0, size)).map((h) => copyHash(h));
    return new MerkleFrontier(size, peaks);
  }

  /** Number of leaves appended. */
  get size(): number {
    return this.count;
  }

  /** MTH of all the leaves appended (the empty-tree hash before the first). */
  root(): Buffer {
    return this.count === 0 ? emptyRoot() : foldSubtrees(this.peaks);
  }

  /**
   * Appends a leaf by its leaf hash (leafHash(data), not the data) and returns the perfect
   * subtrees this completes, level 0 (the leaf itself) first: the nodes a store must persist
   * so that its NodeSource can serve every later proof. The returned hashes are shared with the
   * frontier: read-only.
   */
  append(leaf: Uint8Array): MerkleNode[] {
    let hash = copyHash(leaf);
    let level = 0;
    let index = this.count;
    const completed: MerkleNode[] = [{ level, index, hash }];
    while (index % 2 === 1) {
      hash = nodeHash(this.peaks.pop() as Buffer, hash);
      level++;
      index = (index - 1) / 2;
      completed.push({ level, index, hash });
    }
    this.peaks.push(hash);
    this.count++;
    return completed;
  }
}

function copyHash(h: Uint8Array): Buffer {
  if (h.length !== HASH_BYTES) throw new RangeError(`a tree hash has ${HASH_BYTES} bytes`);
  return Buffer.from(h);
}

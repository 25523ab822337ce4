import { MerkleFrontier, MerkleNode, NodeSource } from './merkle-tree';
import { nodeKey } from './proof-plan';
import { assertCount, perfectSubtrees } from './tree-shape';

/**
 * A NodeSource filled in one streaming pass over the log, in O(log n) memory: the leaves go
 * through a MerkleFrontier, and of all the perfect subtrees it completes only those a few
 * proofs need are kept. It serves, once the pass has ended at size n (= this.size):
 *
 * - rootAt(n), and rootAt(s) for every s registered with keepCompactRangeAt(s);
 * - inclusionProof(i, n) for every leaf i registered with keepPathOf(i), and
 *   inclusionProof(i, s) when s was also registered with keepCompactRangeAt(s);
 * - consistencyProof(m, n) when m − 1 was registered with keepPathOf and m with
 *   keepCompactRangeAt (keepConsistencyFrom(m) does both).
 *
 * Why that is enough (checked exhaustively for small trees by the unit spec): every element of
 * an RFC 9162 inclusion or consistency proof is either a sibling of an ancestor of one leaf
 * (leaf i; leaf m − 1 for a consistency proof from m), or MTH(D[k:n]) for a k on that path,
 * which is made of the right edge of the tree of size n: the frontier's peaks, or a sibling on
 * the same path. The siblings to the left of a leaf's path are exactly the perfect subtrees
 * covering [0, i), i.e. the frontier's peaks when the tree has i leaves; the ancestors and the
 * siblings to the right complete later and are caught as the frontier reports them.
 *
 * The kept nodes: at most 2·⌈log2 n⌉ + 1 per registered leaf and one per set bit of each
 * registered size, plus the frontier. A node that was never kept throws, as NodeSource requires.
 */
export class StreamingNodeCollector implements NodeSource {
  private readonly frontier = MerkleFrontier.empty();
  /** The perfect subtrees covering [0, size): the frontier's hashes by node key. */
  private readonly peaks = new Map<string, Buffer>();
  private readonly kept = new Map<string, Buffer>();
  private readonly watchedLeaves = new Set<number>();
  private readonly watchedSizes = new Set<number>();

  /** Number of leaves appended. */
  get size(): number {
    return this.frontier.size;
  }

  /** MTH of all the leaves appended. */
  root(): Buffer {
    return this.frontier.root();
  }

  /** Keep what rootAt(size) needs. Call before the tree grows past `size`. */
  keepCompactRangeAt(size: number): this {
    assertCount('size', size);
    if (size < this.size)
      throw new RangeError(`the tree already has ${this.size} > ${size} leaves`);
    if (size === this.size) this.keepPeaks();
    else this.watchedSizes.add(size);
    return this;
  }

  /** Keep what an inclusion proof of leaf `leafIndex` needs. Call before that leaf is appended. */
  keepPathOf(leafIndex: number): this {
    assertCount('leafIndex', leafIndex);
    if (leafIndex < this.size)
      throw new RangeError(`leaf ${leafIndex} is already appended (size ${this.size})`);
    this.watchedLeaves.add(leafIndex);
    this.keepCompactRangeAt(leafIndex);
    return this;
  }

  /** Keep what rootAt(m) and a consistency proof from size m to the final size need. */
  keepConsistencyFrom(fromSize: number): this {
    assertCount('fromSize', fromSize);
    if (fromSize > 0) this.keepPathOf(fromSize - 1);
    return this.keepCompactRangeAt(fromSize);
  }

  /** Appends a leaf by its leaf hash (see MerkleFrontier.append). */
  append(leafHash: Uint8Array): void {
    const completed = this.frontier.append(leafHash);
    const top = completed[completed.length - 1];
    // The new peak replaced the peaks it was merged with: its left siblings on each level.
    for (let i = 0; i < completed.length - 1; i++) {
      const { level, index } = completed[i];
      this.peaks.delete(nodeKey({ level, index: index - 1 }));
    }
    this.peaks.set(nodeKey(top), top.hash);
    if (this.watchedLeaves.size > 0) for (const node of completed) this.keepIfOnPath(node);
    if (this.watchedSizes.has(this.size)) {
      this.watchedSizes.delete(this.size);
      this.keepPeaks();
    }
  }

  node(level: number, index: number): Uint8Array {
    const key = nodeKey({ level, index });
    const hash = this.kept.get(key) ?? this.peaks.get(key);
    if (hash === undefined) throw new RangeError(`node (${level}, ${index}) was not kept`);
    return hash;
  }

  /** How many hashes are held (frontier and kept nodes): O(log n) for a few registrations. */
  get heldNodes(): number {
    return this.peaks.size + this.kept.size;
  }

  private keepPeaks(): void {
    for (const { level, index } of perfectSubtrees(0, this.size)) {
      const key = nodeKey({ level, index });
      this.kept.set(key, this.peaks.get(key) as Buffer);
    }
  }

  /** An ancestor of a watched leaf, or the right sibling of one (left ones were peaks). */
  private keepIfOnPath({ level, index, hash }: MerkleNode): void {
    const width = 2 ** level;
    for (const leaf of this.watchedLeaves) {
      const ancestor = Math.floor(leaf / width);
      if (index === ancestor || (ancestor % 2 === 0 && index === ancestor + 1)) {
        this.kept.set(nodeKey({ level, index }), hash);
        return;
      }
    }
  }
}

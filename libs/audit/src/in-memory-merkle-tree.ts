import { HASH_BYTES, leafHash } from './merkle-hash';
import { MerkleFrontier, MerkleNode, NodeSource, rootAt } from './merkle-tree';

/**
 * A NodeSource kept in memory, built incrementally exactly as a persistent store would be: each
 * append goes through MerkleFrontier and the perfect subtrees it completes are stored. Every
 * level is one contiguous buffer (2n hashes, 64 bytes per leaf in all), so a million leaves cost
 * no per-node objects. For tests and tools; a durable store implements NodeSource itself.
 */
export class InMemoryMerkleTree implements NodeSource {
  private readonly frontier = MerkleFrontier.empty();
  private readonly levels: Buffer[] = [];
  private readonly counts: number[] = [];

  /** Number of leaves appended. */
  get size(): number {
    return this.frontier.size;
  }

  /** Appends a leaf by its data (hashed with leafHash). */
  appendLeaf(data: Uint8Array | string): MerkleNode[] {
    return this.appendLeafHash(leafHash(data));
  }

  /** Appends a leaf by its leaf hash. */
  appendLeafHash(hash: Uint8Array): MerkleNode[] {
    const completed = this.frontier.append(hash);
    for (const node of completed) this.store(node);
    return completed;
  }

  /** MTH of the current tree. */
  root(): Buffer {
    return this.frontier.root();
  }

  /** MTH of the first `size` leaves (size ≤ this.size), from stored nodes only. */
  rootAt(size: number): Buffer {
    if (size > this.size) throw new RangeError(`tree size ${size} > ${this.size} leaves`);
    return rootAt(this, size);
  }

  /** A view of the stored hash; throws if that perfect subtree is not complete. */
  node(level: number, index: number): Buffer {
    if (!Number.isSafeInteger(level) || !Number.isSafeInteger(index) || level < 0 || index < 0)
      throw new RangeError(`no node (${level}, ${index})`);
    if (index >= (this.counts[level] ?? 0))
      throw new RangeError(`node (${level}, ${index}) is not a complete subtree yet`);
    return this.levels[level].subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }

  private store({ level, index, hash }: MerkleNode): void {
    if (this.levels[level] === undefined) {
      this.levels[level] = Buffer.alloc(HASH_BYTES * 64);
      this.counts[level] = 0;
    }
    if (index !== this.counts[level]) throw new Error(`node (${level}, ${index}) out of order`);
    let buffer = this.levels[level];
    if ((index + 1) * HASH_BYTES > buffer.length) {
      const grown = Buffer.alloc(buffer.length * 2);
      buffer.copy(grown);
      this.levels[level] = buffer = grown;
    }
    buffer.set(hash, index * HASH_BYTES);
    this.counts[level] = index + 1;
  }
}

import { randomBytes } from 'node:crypto';
import { consistencyProof, verifyConsistency } from './consistency-proof';
import { InMemoryMerkleTree } from './in-memory-merkle-tree';
import { inclusionProof, verifyInclusion } from './inclusion-proof';
import { NodeSource } from './merkle-tree';
import { treeHeight } from './tree-shape';

/** Counts reads; refuses any node that is not a complete subtree of the first `size` leaves. */
function countingSource(size: number, read: (level: number, index: number) => Uint8Array) {
  const source = {
    reads: 0,
    node(level: number, index: number): Uint8Array {
      if ((index + 1) * 2 ** level > size) throw new RangeError(`(${level}, ${index}) incomplete`);
      source.reads++;
      return read(level, index);
    },
  };
  return source satisfies NodeSource;
}

/** A deterministic spread of (m, n) pairs: edges, powers of two and their neighbours, random. */
function sizesUpTo(max: number): number[] {
  const sizes = new Set<number>([1, 2, 3, max - 1, max]);
  for (let p = 2; p <= max; p *= 2) for (const n of [p - 1, p, p + 1]) if (n <= max) sizes.add(n);
  let seed = 7;
  for (let i = 0; i < 40; i++) {
    seed = (seed * 48_271) % 2_147_483_647; // Park–Miller: exact in doubles
    sizes.add(1 + Math.floor((seed / 2_147_483_647) * max));
  }
  return [...sizes].sort((a, b) => a - b);
}
const indexesIn = (n: number): number[] =>
  [...new Set([0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 2, n - 1])].filter(
    (i) => i >= 0 && i < n,
  );

describe('proof size is O(log n)', () => {
  describe('on a real tree of 65,539 leaves built incrementally', () => {
    const N = 2 ** 16 + 3;
    const tree = new InMemoryMerkleTree();
    const leafHashes = randomBytes(32 * N);
    const leaf = (i: number) => leafHashes.subarray(32 * i, 32 * (i + 1));
    for (let i = 0; i < N; i++) tree.appendLeafHash(leaf(i));
    const source = countingSource(N, (level, index) => tree.node(level, index));

    it('inclusion: ≤ ceil(log2 n) hashes from ≤ 2·ceil(log2 n) reads, and it verifies', () => {
      const wrong: string[] = [];
      for (const n of sizesUpTo(N)) {
        const root = tree.rootAt(n);
        for (const m of indexesIn(n)) {
          source.reads = 0;
          const path = inclusionProof(source, m, n);
          if (path.length > treeHeight(n) || source.reads > 2 * treeHeight(n))
            wrong.push(`${m}/${n}: ${path.length} hashes, ${source.reads} reads`);
          if (!verifyInclusion(leaf(m), m, n, root, path).ok) wrong.push(`${m}/${n} fails`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('consistency: ≤ ceil(log2 n) + 1 hashes from O(log n) reads, and it verifies', () => {
      const wrong: string[] = [];
      for (const n of sizesUpTo(N))
        for (const m of indexesIn(n).map((i) => i + 1)) {
          source.reads = 0;
          const proof = consistencyProof(source, m, n);
          if (proof.length > treeHeight(n) + 1 || source.reads > 2 * treeHeight(n) + 2)
            wrong.push(`${m}→${n}: ${proof.length} hashes, ${source.reads} reads`);
          if (!verifyConsistency(m, n, tree.rootAt(m), tree.rootAt(n), proof).ok)
            wrong.push(`${m}→${n} fails`);
        }
      expect(wrong).toEqual([]);
    });
  });

  // A million real leaves cost a million SHA-256 calls (over a second here, several under
  // load): the shape of a proof does not depend on the hashes, so larger trees are served by a
  // source that answers every complete node with the same hash, and counts the reads.
  describe.each([1_000_000, 2 ** 40 + 5])('on a virtual tree of %i leaves', (N) => {
    const source = countingSource(N, () => Buffer.alloc(32, 7));

    it('an inclusion path has at most ceil(log2 n) hashes, from ≤ 2·ceil(log2 n) reads', () => {
      const wrong: string[] = [];
      for (const n of sizesUpTo(N))
        for (const m of indexesIn(n)) {
          source.reads = 0;
          const hashes = inclusionProof(source, m, n).length;
          if (hashes > treeHeight(n) || source.reads > 2 * treeHeight(n))
            wrong.push(`${m}/${n}: ${hashes} hashes, ${source.reads} reads`);
        }
      expect(wrong).toEqual([]);
    });

    it('a consistency proof has at most ceil(log2 n) + 1 hashes, from O(log n) reads', () => {
      const wrong: string[] = [];
      for (const n of sizesUpTo(N))
        for (const m of indexesIn(n).map((i) => i + 1)) {
          source.reads = 0;
          const hashes = consistencyProof(source, m, n).length;
          if (hashes > treeHeight(n) + 1 || source.reads > 2 * treeHeight(n) + 2)
            wrong.push(`${m}→${n}: ${hashes} hashes, ${source.reads} reads`);
        }
      expect(wrong).toEqual([]);
    });
  });
});

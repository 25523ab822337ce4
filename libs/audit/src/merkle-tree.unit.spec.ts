import { InMemoryMerkleTree } from './in-memory-merkle-tree';
import { emptyRoot, hashToHex, leafHash, nodeHash } from './merkle-hash';
import { MerkleFrontier, MerkleNode, NodeSource, rootAt, rootOf } from './merkle-tree';
import { largestPowerOfTwoBelow, perfectSubtrees, treeHeight } from './tree-shape';
import { CT_LEAVES, CT_ROOTS } from './testing/ct-reference-vectors';
import { naiveMth } from './testing/naive-rfc9162';

const hex = hashToHex;
const dataOf = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i} ${'x'.repeat(i % 7)}`));

function treeOf(leaves: readonly Uint8Array[]): InMemoryMerkleTree {
  const tree = new InMemoryMerkleTree();
  for (const leaf of leaves) tree.appendLeaf(leaf);
  return tree;
}

/** A NodeSource that counts its reads. */
function counting(source: NodeSource): NodeSource & { reads: number } {
  const counter = {
    reads: 0,
    node(level: number, index: number) {
      counter.reads++;
      return source.node(level, index);
    },
  };
  return counter;
}

describe('RFC 6962 Merkle Tree Hash', () => {
  describe('given the Certificate Transparency reference leaves', () => {
    it('the empty tree hashes to SHA-256("")', () => {
      expect(hex(emptyRoot())).toBe(CT_ROOTS[0]);
      expect(hex(rootOf([]))).toBe(CT_ROOTS[0]);
    });

    it('a one-leaf tree is the leaf hash SHA-256(0x00 || data)', () => {
      expect(hex(leafHash(Buffer.alloc(0)))).toBe(CT_ROOTS[1]);
    });

    it('rootOf gives the published root of every size 0..8', () => {
      for (let n = 0; n <= 8; n++) expect(hex(rootOf(CT_LEAVES.slice(0, n)))).toBe(CT_ROOTS[n]);
    });

    it('the incremental tree gives the same roots as it grows, and for every prefix after', () => {
      const tree = new InMemoryMerkleTree();
      expect(hex(tree.root())).toBe(CT_ROOTS[0]);
      CT_LEAVES.forEach((leaf, i) => {
        tree.appendLeaf(leaf);
        expect(hex(tree.root())).toBe(CT_ROOTS[i + 1]);
      });
      for (let n = 0; n <= 8; n++) expect(hex(tree.rootAt(n))).toBe(CT_ROOTS[n]);
    });

    it('the naive transcription of the RFC agrees (it is the yardstick below)', () => {
      for (let n = 0; n <= 8; n++) expect(hex(naiveMth(CT_LEAVES.slice(0, n)))).toBe(CT_ROOTS[n]);
    });
  });

  it('a string leaf is its UTF-8 bytes', () => {
    expect(leafHash('é')).toEqual(leafHash(Buffer.from([0xc3, 0xa9])));
  });

  it('interior nodes only take 32-byte children', () => {
    const h = leafHash('a');
    expect(() => nodeHash(h, h.subarray(1))).toThrow(RangeError);
    expect(nodeHash(h, h)).toHaveLength(32);
  });

  it('leaf and interior hashes are domain-separated', () => {
    const [a, b] = [leafHash('a'), leafHash('b')];
    expect(leafHash(Buffer.concat([a, b]))).not.toEqual(nodeHash(a, b));
  });

  describe('for every tree size 0..64, the fast code agrees with the definition', () => {
    const leaves = dataOf(64);
    const tree = treeOf(leaves);

    it('rootOf, the frontier as it grows and rootAt of every prefix all equal naive MTH', () => {
      const frontier = MerkleFrontier.empty();
      const wrong: string[] = [];
      for (let n = 0; n <= 64; n++) {
        const expected = hex(naiveMth(leaves.slice(0, n)));
        if (hex(rootOf(leaves.slice(0, n))) !== expected) wrong.push(`rootOf ${n}`);
        if (hex(frontier.root()) !== expected) wrong.push(`frontier ${n}`);
        if (hex(tree.rootAt(n)) !== expected) wrong.push(`rootAt ${n}`);
        if (n < 64) frontier.append(leafHash(leaves[n]));
      }
      expect(wrong).toEqual([]);
    });

    it('every stored node is the MTH of the leaves it covers', () => {
      for (let level = 0; 2 ** level <= 64; level++)
        for (let index = 0; (index + 1) * 2 ** level <= 64; index++) {
          const covered = leaves.slice(index * 2 ** level, (index + 1) * 2 ** level);
          expect(hex(tree.node(level, index))).toBe(hex(naiveMth(covered)));
        }
    });
  });

  describe('the frontier', () => {
    it('reports each perfect subtree exactly once, when its last leaf arrives', () => {
      const frontier = MerkleFrontier.empty();
      const reported: MerkleNode[][] = dataOf(8).map((d) => frontier.append(leafHash(d)));
      const ids = reported.map((nodes) => nodes.map(({ level, index }) => [level, index]));
      expect(ids).toEqual([
        [[0, 0]],
        [
          [0, 1],
          [1, 0],
        ],
        [[0, 2]],
        [
          [0, 3],
          [1, 1],
          [2, 0],
        ],
        [[0, 4]],
        [
          [0, 5],
          [1, 2],
        ],
        [[0, 6]],
        [
          [0, 7],
          [1, 3],
          [2, 1],
          [3, 0],
        ],
      ]);
    });

    it('resumed from a store at any size, it continues with the same roots', () => {
      const leaves = dataOf(40);
      const tree = treeOf(leaves);
      for (let size = 0; size <= 40; size++) {
        const resumed = MerkleFrontier.fromSource(tree, size);
        expect(resumed.size).toBe(size);
        for (let n = size; n < 40; n++) resumed.append(leafHash(leaves[n]));
        expect(resumed.root()).toEqual(tree.root());
      }
    });

    it('needs one node read per set bit of the size to resume or to give a root', () => {
      const tree = treeOf(dataOf(1000));
      for (const size of [1, 2, 3, 7, 8, 511, 512, 999, 1000]) {
        const bits = size.toString(2).replace(/0/g, '').length;
        const source = counting(tree);
        MerkleFrontier.fromSource(source, size);
        expect(source.reads).toBe(bits);
        source.reads = 0;
        rootAt(source, size);
        expect(source.reads).toBe(bits);
      }
    });

    it('only takes 32-byte leaf hashes', () => {
      expect(() => MerkleFrontier.empty().append(Buffer.alloc(31))).toThrow(RangeError);
    });
  });

  describe('the in-memory node source', () => {
    it('refuses a node whose subtree is not complete yet', () => {
      const tree = treeOf(dataOf(5));
      expect(() => tree.node(0, 5)).toThrow(/not a complete subtree/);
      expect(() => tree.node(1, 2)).toThrow(/not a complete subtree/);
      expect(() => tree.node(3, 0)).toThrow(/not a complete subtree/);
      expect(() => tree.rootAt(6)).toThrow(RangeError);
      expect(tree.node(2, 0)).toHaveLength(32);
    });

    it('a perfect subtree never changes as the tree grows', () => {
      const tree = new InMemoryMerkleTree();
      const leaves = dataOf(300);
      leaves.slice(0, 4).forEach((d) => tree.appendLeaf(d));
      const before = Buffer.from(tree.node(2, 0));
      leaves.slice(4).forEach((d) => tree.appendLeaf(d));
      expect(tree.node(2, 0)).toEqual(before);
    });
  });

  describe('tree shape', () => {
    it('k is the largest power of two below n, also beyond 32 bits', () => {
      expect([2, 3, 4, 5, 8, 9].map(largestPowerOfTwoBelow)).toEqual([1, 2, 2, 4, 4, 8]);
      expect(largestPowerOfTwoBelow(2 ** 40 + 1)).toBe(2 ** 40);
      expect(() => largestPowerOfTwoBelow(1)).toThrow(RangeError);
    });

    it('the height is ceil(log2 n)', () => {
      expect([1, 2, 3, 4, 5, 1e6, 2 ** 40].map(treeHeight)).toEqual([0, 1, 2, 2, 3, 20, 40]);
    });

    it('perfect subtrees cover a range exactly, in order, each aligned to its size', () => {
      const wrong: string[] = [];
      for (let begin = 0; begin <= 40; begin++)
        for (let end = begin; end <= 40; end++) {
          let at = begin;
          for (const { level, index } of perfectSubtrees(begin, end)) {
            if (index * 2 ** level !== at) wrong.push(`[${begin}, ${end}) misaligned`);
            at += 2 ** level;
          }
          if (at !== end) wrong.push(`[${begin}, ${end}) ends at ${at}`);
        }
      expect(wrong).toEqual([]);
      expect(perfectSubtrees(0, 13)).toEqual([
        { level: 3, index: 0 },
        { level: 2, index: 2 },
        { level: 0, index: 12 },
      ]);
      expect(() => perfectSubtrees(3, 2)).toThrow(RangeError);
    });
  });
});

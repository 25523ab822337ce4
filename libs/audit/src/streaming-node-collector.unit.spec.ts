import { consistencyProof, verifyConsistency } from './consistency-proof';
import { InMemoryMerkleTree } from './in-memory-merkle-tree';
import { inclusionProof } from './inclusion-proof';
import { hashToHex, leafHash } from './merkle-hash';
import { rootAt } from './merkle-tree';
import { StreamingNodeCollector } from './streaming-node-collector';
import { treeHeight } from './tree-shape';

const leaves = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

function fullTree(n: number): InMemoryMerkleTree {
  const tree = new InMemoryMerkleTree();
  for (const leaf of leaves(n)) tree.appendLeafHash(leaf);
  return tree;
}

/** Streams `n` leaves into a collector set up by `setup` (called when it is empty). */
function collect(n: number, setup: (c: StreamingNodeCollector) => void): StreamingNodeCollector {
  const collector = new StreamingNodeCollector();
  setup(collector);
  for (const leaf of leaves(n)) collector.append(leaf);
  return collector;
}

const hexes = (hashes: Buffer[]) => hashes.map(hashToHex);

describe('StreamingNodeCollector: the nodes of a few proofs, kept in one pass', () => {
  const MAX = 48;
  const trees = Array.from({ length: MAX + 1 }, (_, n) => fullTree(n));

  it('gives the root of the whole tree for every size', () => {
    for (let n = 0; n <= MAX; n++) {
      const collector = collect(n, () => undefined);
      expect(hashToHex(collector.root())).toBe(hashToHex(trees[n].root()));
      expect(hashToHex(rootAt(collector, n))).toBe(hashToHex(trees[n].root()));
    }
  });

  it('serves the consistency proof from m to n and the root at m, for every 0 ≤ m ≤ n ≤ 48', () => {
    for (let n = 0; n <= MAX; n++) {
      for (let m = 0; m <= n; m++) {
        const collector = collect(n, (c) => c.keepConsistencyFrom(m));
        const proof = consistencyProof(collector, m, n);
        expect(hexes(proof)).toEqual(hexes(consistencyProof(trees[n], m, n)));
        const oldRoot = rootAt(collector, m);
        expect(hashToHex(oldRoot)).toBe(hashToHex(trees[n].rootAt(m)));
        expect(verifyConsistency(m, n, oldRoot, collector.root(), proof)).toEqual({ ok: true });
      }
    }
  });

  it('serves the inclusion proof of leaf i in the final tree, for every i < n ≤ 48', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++) {
        const collector = collect(n, (c) => c.keepPathOf(i));
        expect(hexes(inclusionProof(collector, i, n))).toEqual(
          hexes(inclusionProof(trees[n], i, n)),
        );
        expect(hashToHex(Buffer.from(collector.node(0, i)))).toBe(
          hashToHex(Buffer.from(trees[n].node(0, i))),
        );
      }
    }
  });

  it('serves the inclusion proof of leaf i in an earlier size s, for every i < s ≤ n ≤ 24', () => {
    for (let n = 1; n <= 24; n++) {
      for (let s = 1; s <= n; s++) {
        for (let i = 0; i < s; i++) {
          const collector = collect(n, (c) => c.keepPathOf(i).keepCompactRangeAt(s));
          expect(hexes(inclusionProof(collector, i, s))).toEqual(
            hexes(inclusionProof(trees[n], i, s)),
          );
          expect(hashToHex(rootAt(collector, s))).toBe(hashToHex(trees[n].rootAt(s)));
        }
      }
    }
  });

  it('accepts registrations made during the pass, as long as the leaf is still to come', () => {
    const collector = new StreamingNodeCollector();
    const all = leaves(37);
    all.slice(0, 20).forEach((leaf) => collector.append(leaf));
    collector.keepPathOf(20); // found while streaming: registered just before it is appended
    all.slice(20).forEach((leaf) => collector.append(leaf));
    expect(hexes(inclusionProof(collector, 20, 37))).toEqual(
      hexes(inclusionProof(trees[37], 20, 37)),
    );
    expect(() => collector.keepPathOf(3)).toThrow(RangeError);
    expect(() => collector.keepCompactRangeAt(5)).toThrow(RangeError);
  });

  it('throws for a node it did not keep, rather than answering anything', () => {
    const collector = collect(16, () => undefined);
    expect(() => collector.node(0, 3)).toThrow(/not kept/);
    expect(() => inclusionProof(collector, 3, 16)).toThrow(RangeError);
  });

  it('holds O(log n) hashes however long the pass', () => {
    const n = 100_000;
    const collector = new StreamingNodeCollector().keepConsistencyFrom(61_234).keepPathOf(77_777);
    let most = 0;
    for (let i = 0; i < n; i++) {
      collector.append(leafHash(Buffer.from(`leaf ${i}`)));
      most = Math.max(most, collector.heldNodes);
    }
    const height = treeHeight(n);
    // the frontier, one compact range and two paths of ancestors and siblings
    expect(most).toBeLessThanOrEqual(height + height + 2 * (2 * height + 1));
    const proof = consistencyProof(collector, 61_234, n);
    expect(proof.length).toBeLessThanOrEqual(height + 1);
    expect(
      verifyConsistency(61_234, n, rootAt(collector, 61_234), collector.root(), proof),
    ).toEqual({ ok: true });
  });
});

import { consistencyProof, consistencyProofPlan, verifyConsistency } from './consistency-proof';
import { InMemoryMerkleTree } from './in-memory-merkle-tree';
import { emptyRoot, hashFromHex, hashToHex, leafHash } from './merkle-hash';
import { treeHeight } from './tree-shape';
import { CT_CONSISTENCY_PROOFS, CT_LEAVES, CT_ROOTS } from './testing/ct-reference-vectors';
import { naiveMth, naiveProof } from './testing/naive-rfc9162';

const hex = hashToHex;
const fromHex = (h: string): Buffer => hashFromHex(h) as Buffer;
const dataOf = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from(`e${i}`));

function treeOf(leaves: readonly Uint8Array[]): InMemoryMerkleTree {
  const tree = new InMemoryMerkleTree();
  for (const leaf of leaves) tree.appendLeaf(leaf);
  return tree;
}

const flipBit = (h: Uint8Array, bit = 0): Buffer => {
  const copy = Buffer.from(h);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
};

describe('consistency proofs (RFC 9162 §2.1.4)', () => {
  describe('given the Certificate Transparency reference tree', () => {
    const tree = treeOf(CT_LEAVES);

    it.each(CT_CONSISTENCY_PROOFS)(
      'from size $fromSize to $toSize: generates the published proof, which verifies',
      ({ fromSize, toSize, proof }) => {
        expect(consistencyProof(tree, fromSize, toSize).map(hex)).toEqual(proof);
        const verdict = verifyConsistency(
          fromSize,
          toSize,
          fromHex(CT_ROOTS[fromSize]),
          fromHex(CT_ROOTS[toSize]),
          proof.map(fromHex),
        );
        expect(verdict).toEqual({ ok: true });
      },
    );
  });

  describe('for every pair of sizes 0 ≤ m ≤ n ≤ 64', () => {
    const leaves = dataOf(64);
    const tree = treeOf(leaves);
    const roots = Array.from({ length: 65 }, (_, n) => naiveMth(leaves.slice(0, n)));
    const cases: { m: number; n: number; proof: Buffer[] }[] = [];
    for (let n = 0; n <= 64; n++)
      for (let m = 0; m <= n; m++) cases.push({ m, n, proof: consistencyProof(tree, m, n) });

    it('the proof equals the naive PROOF(m, D[n]) (empty for m = 0 or m = n)', () => {
      const wrong = cases.filter(({ m, n, proof }) => {
        const expected = m === 0 || m === n ? [] : naiveProof(m, leaves.slice(0, n));
        return proof.map(hex).join() !== expected.map(hex).join();
      });
      expect(wrong.map(({ m, n }) => `${m}→${n}`)).toEqual([]);
    });

    it('has at most ceil(log2 n) + 1 hashes, a bound that is reached', () => {
      const lengths = cases.map(({ n, proof }) => proof.length - treeHeight(Math.max(n, 1)));
      expect(Math.max(...lengths)).toBe(1);
    });

    it('the proof verifies between the roots of those sizes', () => {
      const wrong = cases.filter(
        ({ m, n, proof }) => !verifyConsistency(m, n, roots[m], roots[n], proof).ok,
      );
      expect(wrong.map(({ m, n }) => `${m}→${n}`)).toEqual([]);
    });

    it('then a modified size, root or proof element fails (sizes 1..32)', () => {
      const accepted: string[] = [];
      for (const { m, n, proof } of cases.filter((c) => c.n <= 32 && c.m > 0 && c.m < c.n)) {
        const [r1, r2] = [roots[m], roots[n]];
        const probe = (what: string, ...args: Parameters<typeof verifyConsistency>) => {
          if (verifyConsistency(...args).ok) accepted.push(`${m}→${n}: ${what}`);
        };
        probe('m − 1', m - 1, n, r1, r2, proof);
        probe('m + 1', m + 1, n, r1, r2, proof);
        probe('m ^ 2', m ^ 2, n, r1, r2, proof);
        probe('n × 2', m, n * 2, r1, r2, proof);
        probe('n / 2', m, n >> 1, r1, r2, proof);
        probe('a flipped old root', m, n, flipBit(r1, 9), r2, proof);
        probe('a flipped new root', m, n, r1, flipBit(r2, 9), proof);
        probe('swapped roots', m, n, r2, r1, proof);
        probe('an empty proof', m, n, r1, r2, []);
        probe('a trailing old root', m, n, r1, r2, [...proof, r1]);
        probe('a trailing new root', m, n, r1, r2, [...proof, r2]);
        probe('a preceding old root', m, n, r1, r2, [r1, ...proof]);
        probe('a preceding new root', m, n, r1, r2, [r2, ...proof]);
        probe('proof[0] twice', m, n, r1, r2, [proof[0], ...proof]);
        probe('truncated', m, n, r1, r2, proof.slice(0, -1));
        proof.forEach((_, i) => {
          probe(
            `proof[${i}] flipped`,
            m,
            n,
            r1,
            r2,
            proof.map((p, j) => (i === j ? flipBit(p, 4) : p)),
          );
        });
      }
      expect(accepted).toEqual([]);
    });
  });

  describe('given a checkpoint of size m, and a log that later rewrote one of its first m leaves', () => {
    const leaves = dataOf(40);
    const honest = treeOf(leaves);
    const m = 25;
    const checkpointRoot = honest.rootAt(m);

    it('the honest log proves consistency with the checkpoint at every later size', () => {
      for (let n = m; n <= 40; n++)
        expect(
          verifyConsistency(m, n, checkpointRoot, honest.rootAt(n), consistencyProof(honest, m, n)),
        ).toEqual({ ok: true });
    });

    it('rewriting any one of the first m leaves makes every proof fail', () => {
      const accepted: string[] = [];
      for (let changed = 0; changed < m; changed++) {
        const rewritten = treeOf(
          leaves.map((leaf, i) => (i === changed ? Buffer.from('edited by the operator') : leaf)),
        );
        for (let n = m; n <= 40; n++) {
          const proof = consistencyProof(rewritten, m, n);
          if (verifyConsistency(m, n, checkpointRoot, rewritten.rootAt(n), proof).ok)
            accepted.push(`leaf ${changed}, size ${n}`);
        }
      }
      expect(accepted).toEqual([]);
    });

    it('so does dropping a leaf or swapping two', () => {
      const dropped = treeOf(leaves.filter((_, i) => i !== 7));
      const swapped = treeOf(leaves.map((leaf, i) => leaves[i === 3 ? 4 : i === 4 ? 3 : i]));
      for (const log of [dropped, swapped]) {
        const proof = consistencyProof(log, m, 39);
        expect(verifyConsistency(m, 39, checkpointRoot, log.rootAt(39), proof).ok).toBe(false);
      }
    });
  });

  describe('outside 0 < m < n', () => {
    const root = leafHash('x');

    it('the empty tree is consistent with any tree, with an empty proof only', () => {
      expect(verifyConsistency(0, 0, emptyRoot(), emptyRoot(), [])).toEqual({ ok: true });
      expect(verifyConsistency(0, 5, emptyRoot(), root, [])).toEqual({ ok: true });
      expect(verifyConsistency(0, 5, emptyRoot(), root, [root]).ok).toBe(false);
    });

    it('equal sizes need equal roots and an empty proof', () => {
      expect(verifyConsistency(3, 3, root, root, [])).toEqual({ ok: true });
      expect(verifyConsistency(3, 3, root, emptyRoot(), []).ok).toBe(false);
      expect(verifyConsistency(3, 3, root, root, [root]).ok).toBe(false);
    });

    it('a log never shrinks', () => {
      expect(verifyConsistency(4, 3, root, root, [root])).toEqual({
        ok: false,
        reason: expect.stringMatching(/shrink/),
      });
      expect(() => consistencyProofPlan(4, 3)).toThrow(RangeError);
    });

    it('malformed arguments fail with a reason instead of throwing', () => {
      for (const verdict of [
        verifyConsistency(-1, 3, root, root, []),
        verifyConsistency(1, 3.5, root, root, []),
        verifyConsistency(1, 3, root.subarray(2), root, [root]),
        verifyConsistency(1, 3, root, root, [Buffer.alloc(5)]),
      ])
        expect(verdict).toEqual({ ok: false, reason: expect.any(String) });
    });
  });
});

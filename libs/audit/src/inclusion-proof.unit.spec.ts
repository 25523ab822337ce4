import { InMemoryMerkleTree } from './in-memory-merkle-tree';
import { emptyRoot, hashFromHex, hashToHex, leafHash } from './merkle-hash';
import { inclusionProof, inclusionProofPlan, verifyInclusion } from './inclusion-proof';
import { nodeKey, nodeSourceFromMap, planNodeIds, resolveProof } from './proof-plan';
import { treeHeight } from './tree-shape';
import { CT_INCLUSION_PROOFS, CT_LEAVES, CT_ROOTS } from './testing/ct-reference-vectors';
import { naiveMth, naivePath } from './testing/naive-rfc9162';

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

describe('inclusion proofs (RFC 9162 §2.1.3)', () => {
  describe('given the Certificate Transparency reference tree', () => {
    const tree = treeOf(CT_LEAVES);

    it.each(CT_INCLUSION_PROOFS)(
      'leaf $leafIndex in size $treeSize: generates the published path, which verifies',
      ({ leafIndex, treeSize, path }) => {
        expect(inclusionProof(tree, leafIndex, treeSize).map(hex)).toEqual(path);
        const verdict = verifyInclusion(
          leafHash(CT_LEAVES[leafIndex]),
          leafIndex,
          treeSize,
          fromHex(CT_ROOTS[treeSize]),
          path.map(fromHex),
        );
        expect(verdict).toEqual({ ok: true });
      },
    );

    it('a one-leaf tree has an empty path, and the root is the leaf hash', () => {
      expect(inclusionProof(tree, 0, 1)).toEqual([]);
      expect(verifyInclusion(leafHash(CT_LEAVES[0]), 0, 1, fromHex(CT_ROOTS[1]), [])).toEqual({
        ok: true,
      });
    });
  });

  describe('for every tree size 1..64 and every leaf index', () => {
    const leaves = dataOf(64);
    const tree = treeOf(leaves);
    const cases: { m: number; n: number; path: Buffer[]; root: Buffer; leaf: Buffer }[] = [];
    for (let n = 1; n <= 64; n++) {
      const root = naiveMth(leaves.slice(0, n));
      for (let m = 0; m < n; m++)
        cases.push({ m, n, root, leaf: leafHash(leaves[m]), path: inclusionProof(tree, m, n) });
    }

    it('the path equals the naive PATH(m, D[n]) and is at most ceil(log2 n) long', () => {
      const wrong = cases.filter(
        ({ m, n, path }) =>
          path.map(hex).join() !== naivePath(m, leaves.slice(0, n)).map(hex).join() ||
          path.length > treeHeight(n),
      );
      expect(wrong.map(({ m, n }) => `${m}/${n}`)).toEqual([]);
    });

    it('the path verifies against the root of that size', () => {
      const wrong = cases.filter(
        ({ m, n, path, root, leaf }) => !verifyInclusion(leaf, m, n, root, path).ok,
      );
      expect(wrong.map(({ m, n }) => `${m}/${n}`)).toEqual([]);
    });

    it('then any other leaf, leaf index, root, or modified path fails (sizes 1..32)', () => {
      const accepted: string[] = [];
      for (const { m, n, path, root, leaf } of cases.filter((c) => c.n <= 32)) {
        const probe = (what: string, ...args: Parameters<typeof verifyInclusion>) => {
          if (verifyInclusion(...args).ok) accepted.push(`${m}/${n}: ${what}`);
        };
        for (let other = 0; other < n + 2; other++)
          if (other !== m) probe(`index ${other}`, leaf, other, n, root, path);
        probe('another leaf', leafHash(leaves[(m + 1) % 64]), m, n, root, path);
        probe('a flipped leaf bit', flipBit(leaf, 77), m, n, root, path);
        probe('the empty root', leaf, m, n, emptyRoot(), path);
        probe('a flipped root bit', leaf, m, n, flipBit(root, 255), path);
        path.forEach((_, i) => {
          const modified = path.map((p, j) => (i === j ? flipBit(p, 3) : p));
          probe(`path[${i}] flipped`, leaf, m, n, root, modified);
          probe(
            `path[${i}] removed`,
            leaf,
            m,
            n,
            root,
            path.filter((_, j) => j !== i),
          );
        });
        probe('an appended element', leaf, m, n, root, [...path, root]);
        probe('a prepended element', leaf, m, n, root, [leaf, ...path]);
        probe('path reversed', leaf, m, n, root, path.length > 1 ? [...path].reverse() : [root]);
        probe('size × 2', leaf, m, n * 2, root, path);
        if (m < n >> 1) probe('size / 2', leaf, m, n >> 1, root, path);
      }
      expect(accepted).toEqual([]);
    });
  });

  it('the root alone does not fix the tree size: it must come signed with it', () => {
    // Leaf 0 of sizes 3 and 4 is reached by the same two left turns: the same path and root
    // verify for both sizes. The signed checkpoint binds the root to its size (proof-bundle.ts).
    const leaves = dataOf(3);
    const tree = treeOf(leaves);
    const path = inclusionProof(tree, 0, 3);
    expect(verifyInclusion(leafHash(leaves[0]), 0, 4, tree.root(), path)).toEqual({ ok: true });
  });

  it('malformed arguments fail with a reason instead of throwing', () => {
    const tree = treeOf(dataOf(5));
    const leaf = leafHash('e2');
    const path = inclusionProof(tree, 2, 5);
    const root = tree.root();
    expect(verifyInclusion(leaf, 2, 5, root, path)).toEqual({ ok: true });
    const reasons = [
      verifyInclusion(leaf, 5, 5, root, path),
      verifyInclusion(leaf, -1, 5, root, path),
      verifyInclusion(leaf, 2.5, 5, root, path),
      verifyInclusion(leaf, 2, 5, root.subarray(1), path),
      verifyInclusion(leaf.subarray(0, 31), 2, 5, root, path),
      verifyInclusion(leaf, 2, 5, root, [...path.slice(1), Buffer.alloc(33)]),
      verifyInclusion(leaf, 0, 0, emptyRoot(), []),
    ];
    for (const verdict of reasons)
      expect(verdict).toEqual({ ok: false, reason: expect.any(String) });
  });

  it('generation refuses an index outside the tree', () => {
    expect(() => inclusionProofPlan(3, 3)).toThrow(RangeError);
    expect(() => inclusionProofPlan(0, 0)).toThrow(RangeError);
    expect(() => inclusionProofPlan(-1, 3)).toThrow(RangeError);
  });

  it('a store with asynchronous reads can fetch the planned nodes in one batch', async () => {
    const tree = treeOf(dataOf(45));
    const plan = inclusionProofPlan(17, 45);
    const ids = planNodeIds(plan);
    const fetched = await Promise.resolve(
      new Map(ids.map((id) => [nodeKey(id), tree.node(id.level, id.index)])),
    );
    expect(resolveProof(plan, nodeSourceFromMap(fetched))).toEqual(inclusionProof(tree, 17, 45));
    expect(() => resolveProof(plan, nodeSourceFromMap(new Map()))).toThrow(/not fetched/);
  });
});

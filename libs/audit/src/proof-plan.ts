import { foldSubtrees, NodeSource, readNodes } from './merkle-tree';
import { NodeId } from './tree-shape';

/**
 * Which stored nodes a proof is made of, before any is read. Each proof element is the MTH of
 * one subtree of the RFC's recursion; a subtree on the tree's right edge need not be perfect,
 * so an element is listed as the perfect subtrees covering it (left to right, folded with
 * foldSubtrees). Planning is pure arithmetic on (index, sizes), so a store with asynchronous
 * reads can fetch planNodeIds(plan) in one batch and resolve the plan from what it fetched.
 */
export type ProofPlan = readonly (readonly NodeId[])[];

/** Every node the plan reads, without duplicates: O(log n) of them. */
export function planNodeIds(plan: ProofPlan): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const element of plan) for (const id of element) seen.set(nodeKey(id), id);
  return [...seen.values()];
}

/** The proof's hashes, in the plan's order. */
export function resolveProof(plan: ProofPlan, source: NodeSource): Buffer[] {
  return plan.map((element) => foldSubtrees(readNodes(source, element)));
}

/** A stable key for a node, e.g. to key the results of a batched read. */
export const nodeKey = ({ level, index }: NodeId): string => `${level}/${index}`;

/** A NodeSource over nodes already fetched (keyed by nodeKey); throws for a missing one. */
export function nodeSourceFromMap(nodes: ReadonlyMap<string, Uint8Array>): NodeSource {
  return {
    node(level, index) {
      const hash = nodes.get(nodeKey({ level, index }));
      if (hash === undefined) throw new RangeError(`node (${level}, ${index}) was not fetched`);
      return hash;
    },
  };
}

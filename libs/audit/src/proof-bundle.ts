import { hashOfCanonical } from '../../event-store/src/hash-chain';
import { eventLeafHash } from './event-leaf';
import { hashFromHex, hashToHex } from './merkle-hash';
import { NodeSource, rootAt } from './merkle-tree';
import { inclusionProof, isCount, verifyInclusion } from './inclusion-proof';
import { SignedCheckpoint, verifyCheckpoint } from './signed-checkpoint';

/**
 * What `chat audit prove` prints: one event, its audit path, and the signed checkpoint whose root
 * the path leads to. verifyProofBundle checks it offline with nothing but the log's public key.
 *
 * Guarantee: a bundle verifies only if (1) `event.hash` is the SHA-256 of `event.canonical`,
 * (2) the key's holder signed a checkpoint of size treeSize with that root, and (3) that tree
 * holds the event's leaf at leafIndex. So the operator cannot later deny the event, alter any
 * byte of it, or move it, without a second, conflicting signed checkpoint (which a consistency
 * proof exposes). `event.position` is informational: it is not covered by any hash.
 */
export interface ProofBundle {
  version: 1;
  event: {
    /** The canonical form the event's hash covers (libs/event-store/src/canonical-form.ts). */
    canonical: string;
    /** SHA-256 of canonical, lowercase hex: also the leaf data (event-leaf.ts). */
    hash: string;
    /** The store's global position of the event, an opaque string (informational, not proven). */
    position: string;
    /** 0-based index of the event in the log's global order (proven). */
    leafIndex: number;
  };
  inclusionProof: { leafIndex: number; treeSize: number; path: string[] };
  checkpoint: SignedCheckpoint;
}

/** The check that failed, in the order they run. */
export type BundleCheck =
  'format' | 'event-hash' | 'leaf-index' | 'tree-size' | 'checkpoint-signature' | 'inclusion';

export type BundleVerdict =
  | { ok: true; leafIndex: number; treeSize: number; origin: string; time: string }
  | { ok: false; check: BundleCheck; reason: string };

/**
 * Assembles a bundle from the log's nodes and a checkpoint over them. Throws if the bundle would
 * not verify for a reason on the log's side: a hash that does not match the canonical form, a
 * leaf index out of the checkpoint, a source whose leaf or root differs from the event's or the
 * checkpoint's. O(log n) node reads.
 */
export function buildProofBundle(args: {
  event: ProofBundle['event'];
  checkpoint: SignedCheckpoint;
  source: NodeSource;
}): ProofBundle {
  const { event, checkpoint, source } = args;
  const { leafIndex } = event;
  const { treeSize } = checkpoint;
  if (hashOfCanonical(event.canonical) !== event.hash)
    throw new Error(`event at leaf ${leafIndex}: hash does not match its canonical form`);
  if (!isCount(leafIndex) || leafIndex >= treeSize)
    throw new RangeError(`leaf ${leafIndex} is not in the checkpoint of size ${treeSize}`);
  if (!Buffer.from(source.node(0, leafIndex)).equals(eventLeafHash(event.hash)))
    throw new Error(`the tree's leaf ${leafIndex} is not this event`);
  if (hashToHex(rootAt(source, treeSize)) !== checkpoint.rootHash)
    throw new Error(`the tree's root at size ${treeSize} is not the checkpoint's`);
  const path = inclusionProof(source, leafIndex, treeSize).map(hashToHex);
  return {
    version: 1,
    event: { ...event },
    inclusionProof: { leafIndex, treeSize, path },
    checkpoint: { ...checkpoint },
  };
}

/**
 * Checks a bundle (typically JSON.parse of what `chat audit prove` printed) against the log's
 * Ed25519 public key (SPKI PEM). Never throws; on failure says which check failed and why.
 */
export function verifyProofBundle(bundle: unknown, publicKeyPem: string): BundleVerdict {
  const shape = formatProblem(bundle);
  if (shape) return fail('format', shape);
  const { event, inclusionProof: proof, checkpoint } = bundle as ProofBundle;

  const recomputed = hashOfCanonical(event.canonical);
  if (recomputed !== event.hash)
    return fail('event-hash', `the canonical form hashes to ${recomputed}, not ${event.hash}`);

  if (event.leafIndex !== proof.leafIndex)
    return fail(
      'leaf-index',
      `the event says leaf ${event.leafIndex}, the proof is for ${proof.leafIndex}`,
    );

  if (proof.treeSize !== checkpoint.treeSize)
    return fail(
      'tree-size',
      `the proof is for tree size ${proof.treeSize}, the checkpoint is of ${checkpoint.treeSize}`,
    );

  const signature = verifyCheckpoint(checkpoint, publicKeyPem);
  if (!signature.ok) return fail('checkpoint-signature', signature.reason);

  const inclusion = verifyInclusion(
    eventLeafHash(event.hash),
    proof.leafIndex,
    proof.treeSize,
    hashFromHex(checkpoint.rootHash) as Buffer,
    proof.path.map((p) => hashFromHex(p) as Buffer),
  );
  if (!inclusion.ok)
    return fail(
      'inclusion',
      `leaf ${proof.leafIndex} is not proven in the tree of size ${proof.treeSize}: ` +
        inclusion.reason,
    );

  return {
    ok: true,
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    origin: checkpoint.origin,
    time: checkpoint.time,
  };
}

const fail = (check: BundleCheck, reason: string): BundleVerdict => ({ ok: false, check, reason });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Types and hex forms only; what the values mean is for the checks after it. */
function formatProblem(bundle: unknown): string | undefined {
  if (!isObject(bundle)) return 'the bundle is not a JSON object';
  if (bundle.version !== 1) return `unsupported bundle version ${String(bundle.version)}`;
  const { event, inclusionProof: proof, checkpoint } = bundle;
  if (!isObject(event)) return 'event is missing';
  if (typeof event.canonical !== 'string') return 'event.canonical must be a string';
  if (hashFromHex(event.hash) === undefined) return 'event.hash must be 64 lowercase hex digits';
  if (typeof event.position !== 'string') return 'event.position must be a string';
  if (!isCount(event.leafIndex)) return 'event.leafIndex must be a non-negative integer';
  if (!isObject(proof)) return 'inclusionProof is missing';
  if (!isCount(proof.leafIndex)) return 'inclusionProof.leafIndex must be a non-negative integer';
  if (!isCount(proof.treeSize)) return 'inclusionProof.treeSize must be a non-negative integer';
  if (!Array.isArray(proof.path) || !proof.path.every((p) => hashFromHex(p) !== undefined))
    return 'inclusionProof.path must be an array of 64-digit lowercase hex hashes';
  if (!isObject(checkpoint)) return 'checkpoint is missing';
  if (hashFromHex(checkpoint.rootHash) === undefined)
    return 'checkpoint.rootHash must be 64 lowercase hex digits';
  return undefined;
}

import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { hashFromHex, isHashHex } from './merkle-hash';
import { isCount } from './inclusion-proof';
import { invalid, VALID, Verdict } from './verdict';

/**
 * Signed checkpoints: the log operator's Ed25519 signature over (origin, tree size, root, time).
 *
 * The signed bytes are the UTF-8 text (every line ends with "\n", nothing else is added):
 *
 *   <origin>\n
 *   <tree size, decimal, no leading zeros>\n
 *   <root hash, standard base64 of the 32 bytes, padded>\n
 *   <time, ISO 8601 UTC exactly as Date.prototype.toISOString writes it>\n
 *
 * The first three lines are a C2SP tlog-checkpoint body (https://c2sp.org/tlog-checkpoint) and
 * the time is one extension line, so the body can later be wrapped in a C2SP signed note.
 * Every field is validated before signing and verifying (no newline or control character in the
 * origin, canonical number, hash and time forms), so distinct checkpoints have distinct texts:
 * a signature vouches for exactly one (origin, size, root, time).
 *
 * Guarantee: verifyCheckpoint accepts only a checkpoint whose every field is what the holder of
 * the private key signed. What it does not say: that the log is consistent with other checkpoints
 * (that is a consistency proof), nor that the time is true (it is the signer's claim).
 */

/** The origin written when the caller gives none: names this log in the signed text. */
export const DEFAULT_ORIGIN = 'eventchat/audit-log';

export interface Checkpoint {
  treeSize: number;
  /** MTH of the first treeSize leaves, 64 lowercase hex digits. */
  rootHash: string;
  /** When it was signed, e.g. new Date().toISOString(). */
  time: string;
  origin?: string;
}

export interface SignedCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: string;
  time: string;
  /** Ed25519 signature over checkpointText(...), standard base64 (64 bytes). */
  signature: string;
}

export interface AuditKeyPair {
  /** SPKI PEM: what auditors are given. */
  publicKeyPem: string;
  /** PKCS#8 PEM: stays with the log operator. */
  privateKeyPem: string;
}

export function generateAuditKeyPair(): AuditKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** The public key (SPKI PEM) of an Ed25519 private key. */
export function publicKeyOf(privateKeyPem: string): string {
  const key = ed25519Key(createPrivateKey(privateKeyPem), 'private');
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** The exact text a checkpoint's signature covers; throws RangeError on an invalid field. */
export function checkpointText(checkpoint: Checkpoint): string {
  const origin = checkpoint.origin ?? DEFAULT_ORIGIN;
  const problem = checkpointProblem({ ...checkpoint, origin });
  if (problem) throw new RangeError(problem);
  const root = (hashFromHex(checkpoint.rootHash) as Buffer).toString('base64');
  return `${origin}\n${checkpoint.treeSize}\n${root}\n${checkpoint.time}\n`;
}

/** Signs the checkpoint (origin defaulting to DEFAULT_ORIGIN) with an Ed25519 PKCS#8 PEM key. */
export function signCheckpoint(checkpoint: Checkpoint, privateKeyPem: string): SignedCheckpoint {
  const text = checkpointText(checkpoint);
  const key = ed25519Key(createPrivateKey(privateKeyPem), 'private');
  const { treeSize, rootHash, time } = checkpoint;
  return {
    origin: checkpoint.origin ?? DEFAULT_ORIGIN,
    treeSize,
    rootHash,
    time,
    signature: sign(null, Buffer.from(text, 'utf8'), key).toString('base64'),
  };
}

/** Checks the signature with an Ed25519 SPKI PEM public key; fails (never throws) otherwise. */
export function verifyCheckpoint(signed: SignedCheckpoint, publicKeyPem: string): Verdict {
  if (typeof signed !== 'object' || signed === null) return invalid('not a checkpoint');
  const problem = checkpointProblem(signed);
  if (problem) return invalid(problem);
  const signature = strictBase64(signed.signature);
  if (signature?.length !== 64) return invalid('signature is not 64 bytes of base64');
  let key: KeyObject;
  try {
    key = ed25519Key(createPublicKey(publicKeyPem), 'public');
  } catch (error) {
    return invalid(`unusable public key: ${(error as Error).message}`);
  }
  const text = checkpointText(signed);
  if (!verify(null, Buffer.from(text, 'utf8'), key, signature))
    return invalid('the signature does not match this checkpoint and key');
  return VALID;
}

// Non-empty, no control characters (so no newline), no surrounding spaces.
const ORIGIN = /^[^\s\u0000-\u001f\u007f](?:[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f])?$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function checkpointProblem(c: Partial<SignedCheckpoint>): string | undefined {
  if (typeof c.origin !== 'string' || !ORIGIN.test(c.origin))
    return 'origin must be a non-empty single line without control characters';
  if (!isCount(c.treeSize)) return 'treeSize must be a non-negative safe integer';
  if (!isHashHex(c.rootHash)) return 'rootHash must be 64 lowercase hex digits';
  if (!isCanonicalTime(c.time)) return 'time must be an ISO 8601 UTC time as toISOString writes';
  return undefined;
}

function isCanonicalTime(time: unknown): time is string {
  if (typeof time !== 'string' || !ISO_UTC.test(time)) return false;
  const parsed = new Date(time);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === time;
}

/** Base64 decoded only if it is in its one padded standard form (Buffer alone is lenient). */
function strictBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function ed25519Key(key: KeyObject, type: 'public' | 'private'): KeyObject {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519')
    throw new TypeError(
      `expected an Ed25519 ${type} key, got ${key.asymmetricKeyType} ${key.type}`,
    );
  return key;
}

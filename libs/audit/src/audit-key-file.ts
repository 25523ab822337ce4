import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { AuditKeyPair, generateAuditKeyPair, publicKeyOf } from './signed-checkpoint';

/**
 * The log operator's checkpoint-signing key on disk: one file holding the Ed25519 private key as
 * PKCS#8 PEM, mode 0600 (the public key is derived from it).
 *
 * Guarantees:
 * - generated once: loadOrCreateAuditKey never replaces an existing key file, even when several
 *   processes start together (the file is written and fsynced under a temporary name, then
 *   hard-linked into place, which fails if the name exists; the loser reads the winner's key);
 * - never half-written: the file appears under its name only once complete and durable;
 * - refused if group or others can access it (as ssh does), or if it is not an Ed25519 key.
 */

export interface AuditKeyFile extends AuditKeyPair {
  path: string;
  /** True if this call generated the key. */
  created: boolean;
}

/** Reads the key at `path`, generating and storing a new one first if there is none. */
export function loadOrCreateAuditKey(path: string): AuditKeyFile {
  try {
    return readAuditKey(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pair = generateAuditKeyPair();
  return createExclusively(path, pair) ? { path, ...pair, created: true } : readAuditKey(path);
}

/** Reads an existing key file; throws (ENOENT) if there is none, never creates one. */
export function readAuditKey(path: string): AuditKeyFile {
  const mode = statSync(path).mode;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `audit key ${path} is accessible by group or others (mode ${(mode & 0o777).toString(8)}); ` +
        `run: chmod 600 ${path}`,
    );
  }
  const privateKeyPem = readFileSync(path, 'utf8');
  let publicKeyPem: string;
  try {
    publicKeyPem = publicKeyOf(privateKeyPem);
  } catch (error) {
    throw new Error(`audit key ${path} is not an Ed25519 private key: ${(error as Error).message}`);
  }
  return { path, privateKeyPem, publicKeyPem, created: false };
}

/** Writes the key under `path` unless a file is already there; false if one was. */
function createExclusively(path: string, pair: AuditKeyPair): boolean {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, pair.privateKeyPem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  syncDirectory(directory);
  return true;
}

function syncDirectory(directory: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

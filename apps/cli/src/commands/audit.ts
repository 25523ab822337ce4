import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyConsistency, consistencyProof } from '../../../../libs/audit/src/consistency-proof';
import { eventLeafHash } from '../../../../libs/audit/src/event-leaf';
import { isCount } from '../../../../libs/audit/src/inclusion-proof';
import { hashFromHex, hashToHex, isHashHex } from '../../../../libs/audit/src/merkle-hash';
import { rootAt } from '../../../../libs/audit/src/merkle-tree';
import {
  buildProofBundle,
  ProofBundle,
  verifyProofBundle,
} from '../../../../libs/audit/src/proof-bundle';
import {
  DEFAULT_ORIGIN,
  SignedCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from '../../../../libs/audit/src/signed-checkpoint';
import { loadOrCreateAuditKey, readAuditKey } from '../../../../libs/audit/src/audit-key-file';
import { StreamingNodeCollector } from '../../../../libs/audit/src/streaming-node-collector';
import { RecordedEvent } from '../../../../libs/event-store/src/event-store.port';
import { canonicalForm, hashOfCanonical } from '../../../../libs/event-store/src/hash-chain';
import { CliError, UsageError, VerificationFailed } from '../cli-error';
import { NO_QUERY } from '../log/event-query';
import { scanLog } from '../log/log-scan';
import { startProgress } from '../output/progress';
import { OpenedStore, selectStore, StoreSelection } from '../store/open-store';
import { CommonOptions, io, json, withStore } from './context';

/**
 * `chat audit …`: the Merkle tree of docs/adr-audit-merkle.md over the global log, computed in
 * one streaming pass (leaf i = the i-th event of readAll from START, leaf data = its hash) with
 * O(log n) memory: a StreamingNodeCollector keeps the frontier and the few subtree hashes the
 * requested proofs need. Each pass also recomputes every event's hash from its content
 * (--no-check-hashes skips it), so a record edited without re-sealing is caught.
 */

export interface AuditOptions extends CommonOptions {
  key?: string;
  checkHashes: boolean;
}

/** The key file: --key, else `<data-dir>/audit/audit-key.pem` for the embedded store. */
export function auditKeyPath(selection: StoreSelection, key: string | undefined): string {
  if (key !== undefined) return resolve(key);
  if (selection.kind === 'lmdb') return join(resolve(selection.dataDir), 'audit', 'audit-key.pem');
  throw new UsageError(
    '--key FILE is required with a production store (the embedded default is <data-dir>/audit/audit-key.pem)',
  );
}

interface PassResult {
  size: number;
  lastPosition: string | null;
}

/**
 * One pass over the whole log into `collector`. `beforeLeaf(event, index)` runs before each
 * event's leaf is appended (to register proofs as their leaf comes); `stopAt` ends the pass
 * after that many leaves.
 */
async function merklePass(
  opened: OpenedStore,
  collector: StreamingNodeCollector,
  options: AuditOptions,
  label: string,
  hooks: { beforeLeaf?: (event: RecordedEvent, index: number) => void; stopAt?: number } = {},
): Promise<PassResult> {
  const scan = await scanLog(opened, NO_QUERY, { pageSize: options.pageSize });
  const total = hooks.stopAt !== undefined ? undefined : scan.total;
  const progress = startProgress({ label, total, force: options.progress });
  let lastPosition: string | null = null;
  try {
    pages: for await (const page of scan.pages) {
      for (const event of page.events) {
        if (hooks.stopAt !== undefined && collector.size >= hooks.stopAt) break pages;
        if (options.checkHashes) checkEventHash(event);
        hooks.beforeLeaf?.(event, collector.size);
        collector.append(leafOf(event));
        lastPosition = event.position;
      }
      progress.update(page.progress, collector.size);
    }
  } finally {
    progress.stop();
  }
  return { size: collector.size, lastPosition };
}

function leafOf(event: RecordedEvent): Buffer {
  try {
    return eventLeafHash(event.metadata.hash);
  } catch {
    throw new VerificationFailed('event-hash', `${describe(event)} has no valid hash`);
  }
}

function checkEventHash(event: RecordedEvent): void {
  const recomputed = hashOfCanonical(canonicalForm(event.streamId, event.revision, event));
  if (recomputed !== event.metadata.hash)
    throw new VerificationFailed(
      'event-hash',
      `${describe(event)}: its content hashes to ${recomputed}, the log says ${event.metadata.hash}`,
    );
}

const describe = (e: RecordedEvent) =>
  `the event at position ${e.position} (${e.streamId} revision ${e.revision})`;

export interface CheckpointOptions extends AuditOptions {
  origin: string;
}

/** `chat audit checkpoint`: the root over the whole log, signed, as JSON on stdout. */
export async function auditCheckpoint(options: CheckpointOptions): Promise<void> {
  const keyPath = auditKeyPath(selectStore(options, process.env), options.key);
  await withStore(options, async (opened) => {
    const key = loadOrCreateAuditKey(keyPath);
    if (key.created) io.err(`generated a new audit key: ${keyPath}`);
    const collector = new StreamingNodeCollector();
    await merklePass(opened, collector, options, 'checkpoint');
    const checkpoint = sign(collector, options.origin, key.privateKeyPem);
    const writer = io.out();
    await writer.write(json(checkpoint));
    await writer.end();
  });
}

function sign(
  collector: StreamingNodeCollector,
  origin: string,
  privateKeyPem: string,
): SignedCheckpoint {
  try {
    return signCheckpoint(
      {
        origin,
        treeSize: collector.size,
        rootHash: hashToHex(collector.root()),
        time: new Date().toISOString(),
      },
      privateKeyPem,
    );
  } catch (err) {
    throw new UsageError(`cannot sign the checkpoint: ${(err as Error).message}`);
  }
}

export interface VerifyOptions extends AuditOptions {
  checkpoint: string;
  publicKey?: string;
  json?: boolean;
}

interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
}

/**
 * `chat audit verify --checkpoint old.json`: is the current log an extension of the one the
 * old checkpoint signed? Checks its signature, recomputes the root at its size from the log
 * (equal: not one of its events changed, moved or vanished), and builds and verifies the
 * RFC 9162 consistency proof from its size to the current one, all in one streaming pass.
 */
export async function auditVerify(options: VerifyOptions): Promise<void> {
  const old = readJson(options.checkpoint, '--checkpoint') as SignedCheckpoint;
  const selection = selectStore(options, process.env);
  const publicKeyPem = loadPublicKey(selection, options);
  await withStore(options, async (opened) => {
    const checks: CheckResult[] = [];
    const signature = verifyCheckpoint(old, publicKeyPem);
    checks.push({
      check: 'checkpoint-signature',
      ok: signature.ok,
      detail: signature.ok
        ? `signed by the key for ${old.origin} at ${old.time}`
        : signature.reason,
    });
    if (!isCount(old?.treeSize) || !isHashHex(old?.rootHash))
      throw new VerificationFailed('format', 'the checkpoint has no valid treeSize and rootHash');
    const m = old.treeSize;
    const collector = new StreamingNodeCollector().keepConsistencyFrom(m);
    const pass = await merklePass(opened, collector, options, 'verify');
    const n = pass.size;
    const currentRoot = hashToHex(collector.root());
    let proof: string[] = [];
    if (n < m) {
      checks.push({
        check: 'tree-size',
        ok: false,
        detail: `the log has ${n} events, fewer than the checkpoint's ${m}: events were removed`,
      });
    } else {
      const rootNow = hashToHex(rootAt(collector, m));
      checks.push({
        check: 'old-root',
        ok: rootNow === old.rootHash,
        detail:
          rootNow === old.rootHash
            ? `the first ${m} events of the log still hash to the checkpoint's root`
            : `the first ${m} events of the log hash to ${rootNow}, the checkpoint says ${old.rootHash}`,
      });
      const hashes = consistencyProof(collector, m, n);
      proof = hashes.map(hashToHex);
      const consistent = verifyConsistency(
        m,
        n,
        hashFromHex(old.rootHash) as Buffer,
        collector.root(),
        hashes,
      );
      checks.push({
        check: 'consistency',
        ok: consistent.ok,
        detail: consistent.ok
          ? `the log of ${n} events extends the checkpoint's ${m} (proof of ${hashes.length} hashes)`
          : consistent.reason,
      });
    }
    const ok = checks.every((c) => c.ok);
    const report = {
      ok,
      checkpoint: { origin: old.origin, treeSize: m, rootHash: old.rootHash, time: old.time },
      log: { treeSize: n, rootHash: currentRoot, lastPosition: pass.lastPosition },
      consistencyProof: proof,
      checks,
    };
    const writer = io.out();
    await writer.write(
      options.json
        ? json(report)
        : checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.check}: ${c.detail}\n`).join('') +
            (ok
              ? `OK: the log (${n} events, root ${currentRoot}) is consistent with the checkpoint of ${m}\n`
              : ''),
    );
    await writer.end();
    const failed = checks.find((c) => !c.ok);
    if (failed) throw new VerificationFailed(failed.check, failed.detail);
  });
}

function loadPublicKey(
  selection: StoreSelection,
  options: { publicKey?: string; key?: string },
): string {
  if (options.publicKey !== undefined) return readText(options.publicKey, '--public-key');
  let path: string;
  try {
    path = auditKeyPath(selection, options.key);
  } catch {
    throw new UsageError('give --public-key FILE (or --key FILE) to check the signature');
  }
  try {
    return readAuditKey(path).publicKeyPem;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliError(`no audit key at ${path}: give --public-key FILE`);
    throw new CliError((err as Error).message);
  }
}

export interface ProveOptions extends AuditOptions {
  checkpoint?: string;
  publicKey?: string;
  origin: string;
}

/**
 * `chat audit prove <eventId>`: the event, its inclusion proof and the signed checkpoint it
 * leads to, as a proof bundle (JSON on stdout). Against a new checkpoint over the whole log
 * (signed with the key), or with --checkpoint against an earlier one (the pass stops at its
 * size and must rebuild its root). One streaming pass, O(log n) memory.
 */
export async function auditProve(eventId: string, options: ProveOptions): Promise<void> {
  const selection = selectStore(options, process.env);
  const given = options.checkpoint
    ? (readJson(options.checkpoint, '--checkpoint') as SignedCheckpoint)
    : undefined;
  if (given && (!isCount(given.treeSize) || !isHashHex(given.rootHash)))
    throw new UsageError('--checkpoint: not a signed checkpoint (treeSize, rootHash)');
  if (given && (options.publicKey !== undefined || options.key !== undefined)) {
    const verdict = verifyCheckpoint(given, loadPublicKey(selection, options));
    if (!verdict.ok) throw new VerificationFailed('checkpoint-signature', verdict.reason);
  }
  const keyPath = given ? undefined : auditKeyPath(selection, options.key);
  await withStore(options, async (opened) => {
    if (opened.canReadEventById && !(await opened.store.readEvent(eventId)))
      throw new CliError(`no event ${eventId} in the log`);
    const collector = new StreamingNodeCollector();
    if (given) collector.keepCompactRangeAt(given.treeSize);
    let found: { event: RecordedEvent; leafIndex: number } | undefined;
    await merklePass(opened, collector, options, 'prove', {
      stopAt: given?.treeSize,
      beforeLeaf: (event, index) => {
        if (found || event.metadata.eventId !== eventId) return;
        collector.keepPathOf(index);
        found = { event, leafIndex: index };
      },
    });
    if (given && collector.size < given.treeSize)
      throw new VerificationFailed(
        'tree-size',
        `the log has ${collector.size} events, fewer than the checkpoint's ${given.treeSize}`,
      );
    if (!found)
      throw new CliError(
        given
          ? `no event ${eventId} among the first ${given.treeSize} events (the checkpoint's)`
          : `no event ${eventId} in the log`,
      );
    let checkpoint = given;
    if (!checkpoint) {
      const key = loadOrCreateAuditKey(keyPath as string);
      if (key.created) io.err(`generated a new audit key: ${keyPath}`);
      checkpoint = sign(collector, options.origin, key.privateKeyPem);
    }
    const { event, leafIndex } = found;
    const canonical = canonicalForm(event.streamId, event.revision, event);
    let bundle: ProofBundle;
    try {
      bundle = buildProofBundle({
        event: { canonical, hash: event.metadata.hash, position: event.position, leafIndex },
        checkpoint,
        source: collector,
      });
    } catch (err) {
      throw new VerificationFailed(given ? 'old-root' : 'bundle', (err as Error).message);
    }
    const writer = io.out();
    await writer.write(json(bundle));
    await writer.end();
  });
}

export interface VerifyProofOptions {
  publicKey: string;
  json?: boolean;
}

/** `chat audit verify-proof <file> --public-key <pem>`: offline, with the public key alone. */
export async function auditVerifyProof(file: string, options: VerifyProofOptions): Promise<void> {
  const publicKeyPem = readText(options.publicKey, '--public-key');
  const text = readText(file, 'the bundle');
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch (err) {
    throw new VerificationFailed('format', `${file} is not JSON: ${(err as Error).message}`);
  }
  const verdict = verifyProofBundle(bundle, publicKeyPem);
  const writer = io.out();
  if (options.json) await writer.write(json(verdict));
  else if (verdict.ok)
    await writer.write(
      `OK: leaf ${verdict.leafIndex} of the log of ${verdict.treeSize} events signed for ${verdict.origin} at ${verdict.time}\n`,
    );
  await writer.end();
  if (!verdict.ok) throw new VerificationFailed(verdict.check, verdict.reason);
}

export interface PublicKeyOptions {
  dataDir?: string;
  databaseUrl?: string;
  eventstoreUrl?: string;
  key?: string;
  out?: string;
}

/** `chat audit public-key`: the SPKI PEM auditors verify with (from the private key file). */
export async function auditPublicKey(options: PublicKeyOptions): Promise<void> {
  const pem = loadPublicKey(selectStore(options, process.env), { key: options.key });
  if (options.out) {
    writeFileSync(options.out, pem);
    io.err(`wrote the public key to ${options.out}`);
    return;
  }
  const writer = io.out();
  await writer.write(pem);
  await writer.end();
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      `${what}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what}: ${path} is not JSON: ${(err as Error).message}`);
  }
}

export { DEFAULT_ORIGIN };

import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateAuditKey, readAuditKey } from './audit-key-file';
import { signCheckpoint, verifyCheckpoint } from './signed-checkpoint';

const posix = process.platform !== 'win32';

describe('audit key file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given no file, generates an Ed25519 key once, mode 0600, in a new directory', () => {
    const path = join(dir, 'keys', 'audit-ed25519.pem');
    const first = loadOrCreateAuditKey(path);
    expect(first.created).toBe(true);
    expect(first.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(first.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['audit-ed25519.pem']); // no temporary left

    const again = loadOrCreateAuditKey(path);
    expect(again).toEqual({ ...first, created: false });
  });

  it('the loaded key signs checkpoints its public key verifies', () => {
    const key = loadOrCreateAuditKey(join(dir, 'k.pem'));
    const signed = signCheckpoint(
      {
        treeSize: 0,
        rootHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        time: new Date(0).toISOString(),
      },
      readAuditKey(key.path).privateKeyPem,
    );
    expect(verifyCheckpoint(signed, key.publicKeyPem)).toEqual({ ok: true });
  });

  it('readAuditKey never creates a key', () => {
    expect(() => readAuditKey(join(dir, 'missing.pem'))).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });

  (posix ? it : it.skip)('refuses a key file others can read', () => {
    const path = join(dir, 'k.pem');
    loadOrCreateAuditKey(path);
    chmodSync(path, 0o644);
    expect(() => loadOrCreateAuditKey(path)).toThrow(/chmod 600/);
  });

  it('refuses a file that is not an Ed25519 private key, and does not overwrite it', () => {
    const path = join(dir, 'k.pem');
    writeFileSync(path, 'garbage', { mode: 0o600 });
    expect(() => loadOrCreateAuditKey(path)).toThrow(/not an Ed25519 private key/);
    expect(readdirSync(dir)).toEqual(['k.pem']);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import {
  Checkpoint,
  checkpointText,
  DEFAULT_ORIGIN,
  generateAuditKeyPair,
  publicKeyOf,
  SignedCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from './signed-checkpoint';

const keys = generateAuditKeyPair();
const checkpoint: Checkpoint = {
  origin: 'chat.example.org/audit',
  treeSize: 8,
  rootHash: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  time: '2025-03-01T12:00:00.000Z',
};

describe('signed checkpoints (Ed25519)', () => {
  it('the signed text is a C2SP checkpoint body with the time as an extension line', () => {
    expect(checkpointText(checkpoint)).toBe(
      'chat.example.org/audit\n' +
        '8\n' +
        'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n' +
        '2025-03-01T12:00:00.000Z\n',
    );
  });

  it('given a key pair, a signed checkpoint verifies with its public key', () => {
    const signed = signCheckpoint(checkpoint, keys.privateKeyPem);
    expect(signed).toEqual({
      ...checkpoint,
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
    });
    expect(verifyCheckpoint(signed, keys.publicKeyPem)).toEqual({ ok: true });
  });

  it('survives a JSON round trip (what auditors receive)', () => {
    const signed = signCheckpoint(checkpoint, keys.privateKeyPem);
    expect(verifyCheckpoint(JSON.parse(JSON.stringify(signed)), keys.publicKeyPem).ok).toBe(true);
  });

  it('without an origin, signs under the default origin and says so', () => {
    const { origin: _omitted, ...anonymous } = checkpoint;
    const signed = signCheckpoint(anonymous, keys.privateKeyPem);
    expect(signed.origin).toBe(DEFAULT_ORIGIN);
    expect(verifyCheckpoint(signed, keys.publicKeyPem).ok).toBe(true);
  });

  it('fails with another key', () => {
    const signed = signCheckpoint(checkpoint, keys.privateKeyPem);
    expect(verifyCheckpoint(signed, generateAuditKeyPair().publicKeyPem)).toEqual({
      ok: false,
      reason: 'the signature does not match this checkpoint and key',
    });
  });

  describe('fails when any field is altered', () => {
    const signed = signCheckpoint(checkpoint, keys.privateKeyPem);
    const flipped = Buffer.from(signed.signature, 'base64');
    flipped[10] ^= 1;
    const alterations: [string, Partial<SignedCheckpoint>][] = [
      ['origin', { origin: 'chat.example.org/other' }],
      ['origin (whitespace)', { origin: 'chat.example.org/audit ' }],
      ['tree size', { treeSize: 9 }],
      ['tree size (smaller)', { treeSize: 7 }],
      [
        'root hash',
        { rootHash: 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7' },
      ],
      ['time', { time: '2025-03-01T12:00:00.001Z' }],
      ['signature', { signature: flipped.toString('base64') }],
      ['signature (truncated)', { signature: signed.signature.slice(0, 40) }],
    ];
    it.each(alterations)('%s', (_field, change) => {
      expect(verifyCheckpoint({ ...signed, ...change }, keys.publicKeyPem).ok).toBe(false);
    });

    it('and each one says why', () => {
      const reasons = alterations.map(
        ([, change]) =>
          (verifyCheckpoint({ ...signed, ...change }, keys.publicKeyPem) as { reason: string })
            .reason,
      );
      expect(reasons.every((r) => typeof r === 'string' && r.length > 0)).toBe(true);
    });
  });

  it('rejects fields that could make two checkpoints share a text', () => {
    const bad: Partial<Checkpoint>[] = [
      { origin: 'two\nlines' },
      { origin: '' },
      { treeSize: -1 },
      { treeSize: 1.5 },
      { treeSize: 2 ** 53 },
      { rootHash: checkpoint.rootHash.toUpperCase() },
      { rootHash: checkpoint.rootHash.slice(2) },
      { time: '2025-03-01T12:00:00Z' },
      { time: '2025-03-01T13:00:00.000+01:00' },
      { time: '2025-02-30T12:00:00.000Z' },
    ];
    for (const change of bad) {
      expect(() => checkpointText({ ...checkpoint, ...change })).toThrow(RangeError);
      expect(() => signCheckpoint({ ...checkpoint, ...change }, keys.privateKeyPem)).toThrow();
    }
  });

  it('verification never throws on garbage', () => {
    const signed = signCheckpoint(checkpoint, keys.privateKeyPem);
    expect(verifyCheckpoint(signed, 'not a PEM')).toEqual({
      ok: false,
      reason: expect.stringMatching(/unusable public key/),
    });
    expect(verifyCheckpoint(null as unknown as SignedCheckpoint, keys.publicKeyPem).ok).toBe(false);
    expect(verifyCheckpoint({} as SignedCheckpoint, keys.publicKeyPem).ok).toBe(false);
    expect(verifyCheckpoint({ ...signed, signature: 'é' }, keys.publicKeyPem).ok).toBe(false);
  });

  it('only Ed25519 keys are accepted', () => {
    const rsa = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => signCheckpoint(checkpoint, rsa.privateKey)).toThrow(/Ed25519/);
    const signed = signCheckpoint(checkpoint, keys.privateKeyPem);
    expect(verifyCheckpoint(signed, rsa.publicKey)).toEqual({
      ok: false,
      reason: expect.stringMatching(/Ed25519/),
    });
  });

  it('the public key can be derived from the private key', () => {
    expect(publicKeyOf(keys.privateKeyPem)).toBe(keys.publicKeyPem);
  });
});

import { canonicalForm, GENESIS_HASH, sealEvents } from '../../event-store/src/hash-chain';
import { canonicalLeafHash, eventLeafData, eventLeafHash } from './event-leaf';
import { InMemoryMerkleTree } from './in-memory-merkle-tree';
import { hashToHex, leafHash } from './merkle-hash';
import { BundleCheck, buildProofBundle, ProofBundle, verifyProofBundle } from './proof-bundle';
import { generateAuditKeyPair, signCheckpoint } from './signed-checkpoint';

interface LoggedEvent {
  canonical: string;
  hash: string;
  position: string;
}

/** A global log of sealed events from three streams, interleaved, as the store orders them. */
function chatLog(count: number): LoggedEvent[] {
  const prevHash = new Map<string, string>();
  const revision = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const streamId = `conversation-${i % 3}`;
    const rev = revision.get(streamId) ?? 0;
    const [sealed] = sealEvents(streamId, rev, prevHash.get(streamId) ?? GENESIS_HASH, [
      {
        type: 'MessageSent',
        data: { body: `message ${i}`, seq: rev + 1 },
        metadata: {
          eventId: `e-${i}`,
          schemaVersion: 1,
          correlationId: `c-${i}`,
          causationId: `c-${i}`,
          actor: i % 2 ? 'alice' : 'bob',
          timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
        },
      },
    ]);
    revision.set(streamId, rev + 1);
    prevHash.set(streamId, sealed.metadata.hash);
    const canonical = canonicalForm(streamId, rev, sealed);
    return {
      canonical,
      hash: sealed.metadata.hash,
      position: String(1000 + 10 * i).padStart(20, '0'),
    };
  });
}

const keys = generateAuditKeyPair();
const events = chatLog(21);
const tree = new InMemoryMerkleTree();
for (const e of events) tree.appendLeafHash(eventLeafHash(e.hash));
const checkpoint = signCheckpoint(
  {
    origin: 'chat.example.org/audit',
    treeSize: 21,
    rootHash: hashToHex(tree.root()),
    time: '2025-01-01T00:01:00.000Z',
  },
  keys.privateKeyPem,
);
const bundleFor = (leafIndex: number): ProofBundle =>
  buildProofBundle({ event: { ...events[leafIndex], leafIndex }, checkpoint, source: tree });

/** A deep copy with one change. */
const altered = (bundle: ProofBundle, change: (b: ProofBundle) => unknown): ProofBundle => {
  const copy = JSON.parse(JSON.stringify(bundle)) as ProofBundle;
  change(copy);
  return copy;
};

describe('proof bundles', () => {
  describe('the leaf of an event', () => {
    it('is the UTF-8 text of its hash-chain hash, hashed with the 0x00 prefix', () => {
      const { hash, canonical } = events[0];
      expect(eventLeafData(hash).toString('utf8')).toBe(hash);
      expect(eventLeafHash(hash)).toEqual(leafHash(Buffer.from(hash, 'utf8')));
      expect(canonicalLeafHash(canonical)).toEqual(eventLeafHash(hash));
    });

    it('takes only the canonical lowercase hex form of a hash', () => {
      expect(() => eventLeafData(events[0].hash.toUpperCase())).toThrow(RangeError);
      expect(() => eventLeafData('abc')).toThrow(RangeError);
    });
  });

  describe('given a log of 21 events and a signed checkpoint of it', () => {
    it('the bundle of every event verifies offline with the public key alone', () => {
      for (let i = 0; i < events.length; i++) {
        const bundle = JSON.parse(JSON.stringify(bundleFor(i)));
        expect(verifyProofBundle(bundle, keys.publicKeyPem)).toEqual({
          ok: true,
          leafIndex: i,
          treeSize: 21,
          origin: 'chat.example.org/audit',
          time: '2025-01-01T00:01:00.000Z',
        });
      }
    });

    it('has the shape `chat audit prove` prints', () => {
      const bundle = bundleFor(5);
      expect(bundle).toEqual({
        version: 1,
        event: { ...events[5], leafIndex: 5 },
        inclusionProof: {
          leafIndex: 5,
          treeSize: 21,
          path: expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]),
        },
        checkpoint,
      });
      expect(bundle.inclusionProof.path.length).toBeLessThanOrEqual(5);
    });

    it('an older event is still proven against a later, larger checkpoint', () => {
      for (const e of chatLog(30).slice(21)) tree.appendLeafHash(eventLeafHash(e.hash));
      const later = signCheckpoint(
        { treeSize: 30, rootHash: hashToHex(tree.root()), time: '2025-01-01T00:02:00.000Z' },
        keys.privateKeyPem,
      );
      const bundle = buildProofBundle({
        event: { ...events[2], leafIndex: 2 },
        checkpoint: later,
        source: tree,
      });
      expect(verifyProofBundle(bundle, keys.publicKeyPem)).toMatchObject({
        ok: true,
        treeSize: 30,
      });
      // and the earlier checkpoint's bundle, built from the same (grown) store, still verifies
      expect(verifyProofBundle(bundleFor(2), keys.publicKeyPem).ok).toBe(true);
    });
  });

  describe('when anything is altered, verification names the failed check', () => {
    const bundle = bundleFor(7);
    const other = bundleFor(8);
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    const cases: { what: string; check: BundleCheck; change: (b: ProofBundle) => unknown }[] = [
      {
        what: 'a byte of the event',
        check: 'event-hash',
        change: (b) => (b.event.canonical = b.event.canonical.replace('message 7', 'message 8')),
      },
      {
        what: 'the event hash',
        check: 'event-hash',
        change: (b) => (b.event.hash = flip(b.event.hash)),
      },
      {
        what: 'the event swapped for another, with its hash',
        check: 'inclusion',
        change: (b) =>
          Object.assign(b.event, { canonical: other.event.canonical, hash: other.event.hash }),
      },
      { what: 'the event leaf index', check: 'leaf-index', change: (b) => (b.event.leafIndex = 8) },
      {
        what: 'both leaf indexes',
        check: 'inclusion',
        change: (b) => (b.event.leafIndex = b.inclusionProof.leafIndex = 6),
      },
      {
        what: 'a leaf index outside the tree',
        check: 'inclusion',
        change: (b) => (b.event.leafIndex = b.inclusionProof.leafIndex = 21),
      },
      {
        what: 'a path element',
        check: 'inclusion',
        change: (b) => (b.inclusionProof.path[1] = flip(b.inclusionProof.path[1])),
      },
      {
        what: 'a path element dropped',
        check: 'inclusion',
        change: (b) => b.inclusionProof.path.pop(),
      },
      {
        what: 'a path element added',
        check: 'inclusion',
        change: (b) => b.inclusionProof.path.push(b.checkpoint.rootHash),
      },
      {
        what: 'the proof tree size',
        check: 'tree-size',
        change: (b) => (b.inclusionProof.treeSize = 22),
      },
      {
        what: 'both tree sizes',
        check: 'checkpoint-signature',
        change: (b) => (b.inclusionProof.treeSize = b.checkpoint.treeSize = 24),
      },
      {
        what: 'the checkpoint root',
        check: 'checkpoint-signature',
        change: (b) => (b.checkpoint.rootHash = flip(b.checkpoint.rootHash)),
      },
      {
        what: 'the checkpoint time',
        check: 'checkpoint-signature',
        change: (b) => (b.checkpoint.time = '2025-01-01T00:00:59.000Z'),
      },
      {
        what: 'the checkpoint origin',
        check: 'checkpoint-signature',
        change: (b) => (b.checkpoint.origin = 'elsewhere'),
      },
      {
        what: 'the signature',
        check: 'checkpoint-signature',
        change: (b) =>
          (b.checkpoint.signature = b.checkpoint.signature.replace(/^./, (c) =>
            c === 'A' ? 'B' : 'A',
          )),
      },
      {
        what: 'the version',
        check: 'format',
        change: (b) => ((b as { version: number }).version = 2),
      },
      {
        what: 'a path element in upper case',
        check: 'format',
        change: (b) => (b.inclusionProof.path[0] = b.inclusionProof.path[0].toUpperCase()),
      },
      {
        what: 'the event removed',
        check: 'format',
        change: (b) => delete (b as Partial<ProofBundle>).event,
      },
    ];

    it.each(cases)('$what → $check', ({ change, check }) => {
      const verdict = verifyProofBundle(altered(bundle, change), keys.publicKeyPem);
      expect(verdict).toEqual({ ok: false, check, reason: expect.any(String) });
    });

    it('the position is not proven: changing it does not matter', () => {
      const moved = altered(bundle, (b) => (b.event.position = '99'));
      expect(verifyProofBundle(moved, keys.publicKeyPem).ok).toBe(true);
    });

    it('another key fails the signature check', () => {
      expect(verifyProofBundle(bundle, generateAuditKeyPair().publicKeyPem)).toEqual({
        ok: false,
        check: 'checkpoint-signature',
        reason: 'the signature does not match this checkpoint and key',
      });
    });

    it('garbage is a format failure, not an exception', () => {
      for (const garbage of [null, 42, 'x', [], {}, { version: 1 }])
        expect(verifyProofBundle(garbage, keys.publicKeyPem)).toMatchObject({
          ok: false,
          check: 'format',
        });
    });

    it('the reasons read well', () => {
      const verdict = verifyProofBundle(
        altered(bundle, (b) => (b.event.canonical += ' ')),
        keys.publicKeyPem,
      );
      expect(verdict).toEqual({
        ok: false,
        check: 'event-hash',
        reason: expect.stringMatching(
          /^the canonical form hashes to [0-9a-f]{64}, not [0-9a-f]{64}$/,
        ),
      });
    });
  });

  describe('building refuses a bundle that could not verify', () => {
    it('an event whose hash does not match its canonical form', () => {
      const event = { ...events[3], leafIndex: 3, canonical: events[4].canonical };
      expect(() => buildProofBundle({ event, checkpoint, source: tree })).toThrow(/canonical form/);
    });

    it('an event that is not the tree leaf at that index', () => {
      const event = { ...events[4], leafIndex: 3 };
      expect(() => buildProofBundle({ event, checkpoint, source: tree })).toThrow(/not this event/);
    });

    it('an index beyond the checkpoint', () => {
      const event = { ...events[4], leafIndex: 21 };
      expect(() => buildProofBundle({ event, checkpoint, source: tree })).toThrow(RangeError);
    });

    it('a checkpoint whose root the source does not have', () => {
      const wrong = signCheckpoint(
        { treeSize: 21, rootHash: hashToHex(leafHash('x')), time: checkpoint.time },
        keys.privateKeyPem,
      );
      const event = { ...events[4], leafIndex: 4 };
      expect(() => buildProofBundle({ event, checkpoint: wrong, source: tree })).toThrow(/root/);
    });
  });
});

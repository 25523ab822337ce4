import { RecordedEvent } from '../../event-store/src/event-store.port';
import { padU64 } from '../../event-store/src/position';
import { eventLeafData } from './event-leaf';
import { hashToHex } from './merkle-hash';
import { rootOf } from './merkle-tree';
import { LiveLogTree } from './live-log-tree';
import { generateAuditKeyPair, signCheckpoint, verifyCheckpoint } from './signed-checkpoint';

const hashOf = (i: number) => i.toString(16).padStart(64, '0');
const event = (i: number): RecordedEvent => ({
  streamId: 'conversation-c1',
  revision: i - 1,
  position: padU64(i),
  type: 'MessageSent',
  data: {},
  metadata: {
    eventId: `e-${i}`,
    schemaVersion: 1,
    correlationId: 'c',
    causationId: 'c',
    actor: 'alice',
    timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    prevHash: hashOf(i - 1),
    hash: hashOf(i),
  },
});

describe('LiveLogTree (the audit tree over the log as it is read)', () => {
  const keys = generateAuditKeyPair();
  const sign = jest.fn((c: Parameters<typeof signCheckpoint>[0]) =>
    signCheckpoint(c, keys.privateKeyPem),
  );

  it('has the RFC 6962 root of the leaves "hash of event i", as the CLI computes it', () => {
    const tree = new LiveLogTree();
    for (let i = 1; i <= 13; i++) {
      expect(tree.append(event(i))).toBe(true);
      const leaves = Array.from({ length: i }, (_, k) => eventLeafData(hashOf(k + 1)));
      expect(tree.rootHex()).toBe(hashToHex(rootOf(leaves)));
    }
    expect(tree.size).toBe(13);
    expect(tree.lastPosition).toBe(padU64(13));
    expect(tree.timeIndex.size).toBe(13);
  });

  it('ignores an event it already has (a repeated delivery adds no leaf)', () => {
    const tree = new LiveLogTree();
    tree.append(event(1));
    tree.append(event(2));
    const root = tree.rootHex();
    expect(tree.append(event(2))).toBe(false);
    expect(tree.append(event(1))).toBe(false);
    expect([tree.size, tree.rootHex()]).toEqual([2, root]);
  });

  it('refuses an event without a valid hash and adds nothing', () => {
    const tree = new LiveLogTree();
    tree.append(event(1));
    const bad = event(2);
    bad.metadata.hash = 'not a hash';
    expect(() => tree.append(bad)).toThrow(RangeError);
    expect([tree.size, tree.lastPosition]).toEqual([1, padU64(1)]);
  });

  it('signs a checkpoint once per size: the same one until the tree grows', () => {
    sign.mockClear();
    const tree = new LiveLogTree();
    for (let i = 1; i <= 5; i++) tree.append(event(i));
    let clock = Date.UTC(2025, 5, 1);
    const now = () => new Date((clock += 1000));
    const first = tree.checkpoint(sign, undefined, now);
    expect(first).toMatchObject({
      origin: 'eventchat/audit-log',
      treeSize: 5,
      rootHash: tree.rootHex(),
    });
    expect(verifyCheckpoint(first, keys.publicKeyPem)).toEqual({ ok: true });
    expect(tree.checkpoint(sign, undefined, now)).toBe(first);
    expect(sign).toHaveBeenCalledTimes(1);
    tree.append(event(6));
    const second = tree.checkpoint(sign, undefined, now);
    expect(second.treeSize).toBe(6);
    expect(second.time > first.time).toBe(true);
    expect(sign).toHaveBeenCalledTimes(2);
    expect(tree.checkpoint(sign, 'other/origin', now).origin).toBe('other/origin');
  });
});

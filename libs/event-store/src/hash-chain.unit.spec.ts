import { RecordedEvent } from './event-store.port';
import { padU64 } from './position';
import { createHash } from 'node:crypto';
import {
  canonicalForm,
  chainEvents,
  GENESIS_HASH,
  sealEvents,
  UnsealedEvent,
  verifyChain,
} from './hash-chain';

const newEvent = (n: number): UnsealedEvent => ({
  type: 'MessageSent',
  data: { body: `hello ${n}`, seq: n },
  metadata: {
    eventId: `e-${n}`,
    schemaVersion: 1,
    correlationId: 'c',
    causationId: 'c',
    actor: 'alice',
    timestamp: '2025-01-01T00:00:00.000Z',
  },
});

function recorded(streamId: string, count: number): RecordedEvent[] {
  const first = sealEvents(streamId, 0, GENESIS_HASH, [newEvent(0), newEvent(1)]);
  const rest = sealEvents(
    streamId,
    2,
    first[1].metadata.hash,
    Array.from({ length: count - 2 }, (_, i) => newEvent(i + 2)),
  );
  return [...first, ...rest].map((e, revision) => ({
    ...e,
    streamId,
    revision,
    position: padU64(revision + 1),
  }));
}

describe('hash chain', () => {
  it('GENESIS_HASH is 64 zeros', () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it('links each event to the previous one, starting from genesis', () => {
    const events = recorded('conversation-1', 4);
    expect(events[0].metadata.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++)
      expect(events[i].metadata.prevHash).toBe(events[i - 1].metadata.hash);
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.metadata.hash))).toBe(true);
  });

  it('a chain sealed across several appends verifies', () => {
    expect(verifyChain(recorded('conversation-1', 5))).toEqual({ ok: true });
  });

  it('does not depend on property order', () => {
    const a = sealEvents('s', 0, GENESIS_HASH, [{ ...newEvent(0), data: { x: 1, y: 2 } }]);
    const b = sealEvents('s', 0, GENESIS_HASH, [{ ...newEvent(0), data: { y: 2, x: 1 } }]);
    expect(a[0].metadata.hash).toBe(b[0].metadata.hash);
  });

  it('the same content in another stream or at another revision hashes differently', () => {
    const base = sealEvents('s', 0, GENESIS_HASH, [newEvent(0)])[0].metadata.hash;
    expect(sealEvents('t', 0, GENESIS_HASH, [newEvent(0)])[0].metadata.hash).not.toBe(base);
    expect(sealEvents('s', 1, GENESIS_HASH, [newEvent(0)])[0].metadata.hash).not.toBe(base);
  });

  it('a tampered body is detected', () => {
    const events = recorded('conversation-1', 4);
    events[2] = { ...events[2], data: { body: 'edited by an attacker', seq: 2 } };
    expect(verifyChain(events)).toEqual({
      ok: false,
      revision: 2,
      reason: expect.stringMatching(/hash/),
    });
  });

  it('tampered metadata is detected', () => {
    const events = recorded('conversation-1', 3);
    events[1] = { ...events[1], metadata: { ...events[1].metadata, actor: 'mallory' } };
    expect(verifyChain(events)).toMatchObject({ ok: false, revision: 1 });
  });

  it('a removed event is detected', () => {
    const events = recorded('conversation-1', 4);
    const withGap = [events[0], events[1], { ...events[3], revision: 2 }];
    expect(verifyChain(withGap)).toMatchObject({ ok: false, revision: 2 });
  });

  it('a re-hashed forgery is detected by the next link', () => {
    const events = recorded('conversation-1', 3);
    const forged = sealEvents('conversation-1', 1, events[0].metadata.hash, [
      { ...newEvent(1), data: { body: 'forged' } },
    ])[0];
    events[1] = { ...forged, streamId: 'conversation-1', revision: 1, position: padU64(2) };
    expect(verifyChain(events)).toMatchObject({ ok: false, revision: 2 });
  });

  it('keeps the documented canonical form and hash (auditors recompute them)', () => {
    const event: UnsealedEvent = {
      type: 'MessageSent',
      data: { seq: 1, body: 'héllo 👋 "quoted"\n', nested: { z: [1, 2.5, null, true], a: 'x' } },
      metadata: { ...newEvent(1).metadata, eventId: 'e-1' },
    };
    const [sealed] = sealEvents('conversation-1', 0, GENESIS_HASH, [event]);
    const canonical = canonicalForm('conversation-1', 0, sealed);
    expect(canonical).toBe(
      '{"data":{"body":"héllo 👋 \\"quoted\\"\\n","nested":{"a":"x","z":[1,2.5,null,true]},"seq":1},' +
        '"metadata":{"actor":"alice","causationId":"c","correlationId":"c","eventId":"e-1",' +
        `"prevHash":"${GENESIS_HASH}","schemaVersion":1,"timestamp":"2025-01-01T00:00:00.000Z"},` +
        '"revision":0,"streamId":"conversation-1","type":"MessageSent"}',
    );
    const sha256 = createHash('sha256').update(Buffer.from(canonical, 'utf8')).digest('hex');
    expect(sealed.metadata.hash).toBe(sha256);
    // Pinned: the hash this content had before any refactoring of the sealing code.
    expect(sha256).toBe('0d364fc2fe4572c025ee4007d74f8f021fd33a0172ffdad8d974817293ce00ce');
    expect(chainEvents('conversation-1', 0, GENESIS_HASH, [event])).toEqual([
      { hash: sha256, canonical },
    ]);
  });

  it('a hash supplied by the caller is neither hashed nor kept', () => {
    const plain = sealEvents('s', 0, GENESIS_HASH, [newEvent(0)])[0];
    const withHash = { ...newEvent(0), metadata: { ...newEvent(0).metadata, hash: 'forged' } };
    const sealed = sealEvents('s', 0, GENESIS_HASH, [withHash])[0];
    expect(sealed.metadata).toEqual(plain.metadata);
  });

  it('an empty stream verifies', () => {
    expect(verifyChain([])).toEqual({ ok: true });
  });
});

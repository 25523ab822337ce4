import { RecordedEvent } from '../../event-store/src/event-store.port';
import {
  GENESIS_HASH,
  sealEvents,
  UnsealedEvent,
  verifyChain,
} from '../../event-store/src/hash-chain';
import { padU64 } from '../../event-store/src/position';
import { verifyChainSegment } from './chain-segment';

const STREAM = 'conversation-c1';

const unsealed = (n: number): UnsealedEvent => ({
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

function stream(count: number, streamId = STREAM): RecordedEvent[] {
  const sealed = sealEvents(
    streamId,
    0,
    GENESIS_HASH,
    Array.from({ length: count }, (_, i) => unsealed(i)),
  );
  return sealed.map((e, revision) => ({
    ...e,
    streamId,
    revision,
    position: padU64(revision + 1),
  }));
}

/** Every page of `events` of `size`, each checked against the page before (as the API pages). */
function pagedVerdicts(events: RecordedEvent[], size: number) {
  const verdicts = [];
  for (let from = 0; from < events.length; from += size) {
    const previous = from > 0 ? events[from - 1] : undefined;
    verdicts.push(
      verifyChainSegment(events.slice(from, from + size), {
        streamId: STREAM,
        anchor: previous && { revision: previous.revision, hash: previous.metadata.hash },
      }),
    );
  }
  return verdicts;
}

const tamper = (
  events: RecordedEvent[],
  revision: number,
  change: (e: RecordedEvent) => RecordedEvent,
) => events.map((e) => (e.revision === revision ? change(e) : e));

describe('verifyChainSegment (the hash chain one page at a time)', () => {
  const events = stream(23);

  it('a page from revision 0 without anchor is verifyChain', () => {
    expect(verifyChainSegment(events)).toEqual(verifyChain(events));
    expect(verifyChainSegment(events.slice(0, 5), { streamId: STREAM })).toEqual({ ok: true });
    expect(verifyChainSegment(events.slice(3))).toEqual(verifyChain(events.slice(3)));
  });

  it('every page of an intact stream verifies, for every page size', () => {
    for (let size = 1; size <= 24; size++)
      expect(pagedVerdicts(events, size).every((v) => v.ok)).toBe(true);
  });

  it('a tampered stream fails on exactly the page that holds the damage, as verifyChain says', () => {
    const cases: [string, RecordedEvent[]][] = [
      ['content edited', tamper(events, 11, (e) => ({ ...e, data: { body: 'edited', seq: 11 } }))],
      [
        're-linked',
        tamper(events, 11, (e) => ({ ...e, metadata: { ...e.metadata, prevHash: GENESIS_HASH } })),
      ],
      ['removed', events.filter((e) => e.revision !== 11)],
    ];
    for (const [what, broken] of cases) {
      const whole = verifyChain(broken);
      expect(whole.ok).toBe(false);
      for (const size of [1, 4, 5, 23]) {
        const verdicts = pagedVerdicts(broken, size);
        const failing = verdicts.findIndex((v) => !v.ok);
        expect({ what, size, failing }).toEqual({ what, size, failing: Math.floor(11 / size) });
        expect(verdicts[failing]).toEqual(whole);
      }
    }
  });

  it('a page that does not follow its anchor fails', () => {
    const anchor = { revision: 4, hash: events[4].metadata.hash };
    expect(verifyChainSegment(events.slice(6, 9), { anchor })).toEqual({
      ok: false,
      revision: 6,
      reason: 'expected revision 5',
    });
    expect(
      verifyChainSegment(events.slice(5, 9), { anchor: { revision: 4, hash: GENESIS_HASH } }),
    ).toEqual({ ok: false, revision: 5, reason: 'prevHash does not match the previous hash' });
  });

  it('an event of another stream fails, with or without anchor', () => {
    const other = stream(3, 'conversation-c2');
    expect(verifyChainSegment(other, { streamId: STREAM })).toEqual({
      ok: false,
      revision: 0,
      reason: 'event of another stream',
    });
  });

  it('an empty page verifies', () => {
    expect(
      verifyChainSegment([], { anchor: { revision: 22, hash: events[22].metadata.hash } }),
    ).toEqual({
      ok: true,
    });
  });
});

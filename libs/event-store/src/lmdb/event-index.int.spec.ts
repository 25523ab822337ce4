import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DuplicateEventIdError } from '../duplicate-event-id.error';
import { verifyChain } from '../hash-chain';
import { newEvents, sealFor } from '../testing/event-store.contract';
import { padU64 } from '../position';
import { readWholeStream } from '../read-pages';
import { EventIndex, INDEX_DIR } from './event-index';
import { LmdbEventStore } from './lmdb-event-store';

/**
 * The index is written without fsync, after the log's commit: whatever state a crash leaves it
 * in (missing the log's tail, torn by a reboot, gone, or not matching the log), the writer
 * brings it back in line with the log on open, before serving anything.
 */
describe('event index recovery', () => {
  const logger = pino({ level: 'silent' });
  let dir: string;
  const a = sealFor('a', 3);
  const b = sealFor('b', 2);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'event-index-'));
    const store = LmdbEventStore.open(dir, { logger });
    await store.append('a', a, 'no_stream');
    await store.append('b', b, 'no_stream');
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Rewrites the index by hand (the writer is closed). */
  async function withIndex(change: (index: EventIndex) => void): Promise<void> {
    const index = EventIndex.open(dir, false);
    change(index);
    await index.close();
  }

  /** Everything the index serves agrees with the log after reopening. */
  async function expectServedAsBefore(): Promise<void> {
    const store = LmdbEventStore.open(dir, { logger });
    try {
      const streamA = await readWholeStream(store, 'a');
      expect(streamA.map((e) => e.metadata.eventId)).toEqual(a.map((e) => e.metadata.eventId));
      expect(verifyChain(streamA)).toEqual({ ok: true });
      expect(
        (await store.readStream('b', { direction: 'backwards', maxCount: 10 })).map(
          (e) => e.revision,
        ),
      ).toEqual([1, 0]);
      // Idempotency by event id and the stream heads come from the index too.
      expect(await store.append('b', b, 'no_stream')).toEqual({
        nextExpectedRevision: 1,
        position: padU64(5),
      });
      await expect(store.append('c', [a[0]], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.append('a', newEvents(1), 2)).toEqual({
        nextExpectedRevision: 3,
        position: padU64(6),
      });
    } finally {
      await store.close();
    }
  }

  it('indexes the tail a crash left unindexed (killed between the log commit and the index write)', async () => {
    await withIndex((index) => {
      index.clear();
      index.write(
        a.slice(0, 2).map((e, i) => ({
          streamId: 'a',
          revision: i,
          eventId: e.metadata.eventId,
          position: i + 1,
        })),
        2,
      );
    });
    await expectServedAsBefore();
  });

  it('a read-only instance (the projector) reads the log even where no index was built yet', async () => {
    rmSync(join(dir, INDEX_DIR), { recursive: true });
    const reader = LmdbEventStore.open(dir, { logger, readOnly: true });
    expect((await reader.readAll({ maxCount: 100 })).map((e) => e.position)).toEqual(
      [1, 2, 3, 4, 5].map(padU64),
    );
    await reader.close();
  });

  it('rebuilds an index that is gone (an older data directory, or deleted by hand)', async () => {
    rmSync(join(dir, INDEX_DIR), { recursive: true });
    await expectServedAsBefore();
  });

  /** An index whose entries point stream `a` at the wrong events, claiming to cover `upTo`. */
  const corrupt = (upTo: number) => (index: EventIndex) => {
    index.clear();
    const wrong = a.map((e, i) => ({
      streamId: 'a',
      revision: i,
      eventId: e.metadata.eventId,
      position: 5 - i,
    }));
    index.write(wrong, upTo);
  };

  it('discards and rebuilds an index left open by a machine that went down', async () => {
    await withIndex(corrupt(5));
    const state = { bootId: 'a-boot-before-the-crash', clean: false };
    writeFileSync(join(dir, INDEX_DIR, 'open-state.json'), JSON.stringify(state));
    await expectServedAsBefore();
  });

  it('rebuilds an index that claims more than the log holds', async () => {
    await withIndex(corrupt(99));
    await expectServedAsBefore();
  });

  it('(the checks above would see a wrong index that is kept)', async () => {
    await withIndex(corrupt(5));
    const store = LmdbEventStore.open(dir, { logger });
    const served = (await readWholeStream(store, 'a')).map((e) => e.metadata.eventId);
    await store.close();
    expect(served).not.toEqual(a.map((e) => e.metadata.eventId));
  });
});

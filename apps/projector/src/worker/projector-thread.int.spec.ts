import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { ProjectionUpdate } from '../../../../libs/domain/src';
import { InProcessUpdateBus } from '../../../../libs/bus/src';
import { EVENTS_DIR, READ_MODELS_DIR } from '../../../../libs/platform/src/data-dirs';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import {
  decodeLmdbPosition,
  encodeLmdbPosition,
} from '../../../../libs/event-store/src/lmdb/stored-event';
import { LmdbReadModelStore } from '../../../../libs/read-models/src';
import { projectionLag } from '../projection-lag';
import { appendAll, sampleHistory, sent, started } from '../testing/chat-history';
import { ProjectorHarness, silentLogger, waitFor } from '../testing/projector-harness';
import { ProjectorThread } from './projector-thread';

/**
 * The projector on a real worker thread (bundled from these sources by esbuild), next to the
 * writer event store and a query-only read-model store on this thread, as in embedded mode.
 */
describe('ProjectorThread (projector on a worker thread)', () => {
  let h: ProjectorHarness;
  let events: LmdbEventStore;
  let readModels: LmdbReadModelStore;
  let bus: InProcessUpdateBus;
  let thread: ProjectorThread;
  const updates: ProjectionUpdate[] = [];

  beforeEach(() => {
    h = new ProjectorHarness(); // only for its temp dir and inline reference projector
    events = LmdbEventStore.open(join(h.dir, 'worker', EVENTS_DIR), { logger: silentLogger });
    readModels = LmdbReadModelStore.open(join(h.dir, 'worker', READ_MODELS_DIR));
    bus = new InProcessUpdateBus(silentLogger);
    updates.length = 0;
    bus.subscribe((u) => updates.push(u));
    thread = new ProjectorThread({
      init: { dataDir: join(h.dir, 'worker'), logLevel: 'silent' },
      onDurable: (listener) => events.onDurable(listener),
      updateBus: bus,
      refreshReadModels: () => readModels.refreshSnapshot(),
      logger: silentLogger,
      restartDelayMs: 20,
    });
  });

  afterEach(async () => {
    await thread.stop();
    await events.close();
    await readModels.close();
    await h.cleanup();
  });

  /** The LMDB log position just before `position` (its log keys are dense). */
  const previous = (position: string): string =>
    encodeLmdbPosition(decodeLmdbPosition(position) - 1);

  const lagCount = async () =>
    (await projectionLag.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;

  it('publishes the same updates and builds the same read models as the inline projector', async () => {
    const history = sampleHistory(3);
    await appendAll(events, history[0]);
    await thread.start();
    for (const batch of history.slice(1)) await appendAll(events, batch);
    const last = await appendAll(events, [sent('c1', 7, 'bob')]);
    await waitFor(() => updates.at(-1)?.position === last);

    await appendAll(h.eventStore, history.flat().concat(sent('c1', 7, 'bob')));
    const inline = h.projector();
    await inline.start();
    await inline.caughtUp;
    const strip = (u: ProjectionUpdate) =>
      u.type === 'message' ? { ...u, message: { ...u.message, sentAt: '' } } : u;
    expect(updates.map(strip)).toEqual(h.updates.map(strip));
    expect(await h.snapshot(readModels)).toEqual(await h.snapshot(h.readModels));
  });

  it("lets this thread query an update's data as it arrives, and counts its lag here", async () => {
    const lagBefore = await lagCount();
    await thread.start();
    const seen: Promise<number | undefined>[] = [];
    bus.subscribe((u) => {
      if (u.type === 'message') seen.push(readModels.getConversation('c1').then((c) => c?.lastSeq));
    });
    await appendAll(events, [started('c1', ['alice', 'bob'])]);
    for (let seq = 1; seq <= 30; seq++) await appendAll(events, [sent('c1', seq, 'alice')]);
    await waitFor(() => seen.length === 30);
    const lastSeqs = await Promise.all(seen);
    lastSeqs.forEach((lastSeq, i) => expect(lastSeq).toBeGreaterThanOrEqual(i + 1));
    expect(await lagCount()).toBeGreaterThanOrEqual(lagBefore + 31);
  });

  it('restarts a worker that died and resumes from the checkpoint', async () => {
    await thread.start();
    const first = await appendAll(events, [started('c1', ['alice', 'bob']), sent('c1', 1, 'bob')]);
    await waitFor(() => updates.at(-1)?.position === first);
    // Simulated crash: the worker is private by design; a test reaches in to end it.
    await (thread as unknown as { worker: Worker }).worker.terminate();
    const next = await appendAll(events, [sent('c1', 2, 'alice'), sent('c1', 3, 'bob')]);
    await waitFor(() => updates.at(-1)?.position === next);
    expect(updates.map((u) => u.position)).toEqual([previous(first), first, previous(next), next]);
  });

  it('stops the worker; this thread keeps writing and reading the shared environments', async () => {
    await thread.start();
    await appendAll(events, [started('c1', ['alice', 'bob'])]);
    await waitFor(() => updates.length === 1);
    await thread.stop();
    const position = await appendAll(events, [sent('c1', 1, 'bob')]);
    expect(
      (await events.readAll({ after: previous(position), maxCount: 100 })).map((e) => e.position),
    ).toEqual([position]);
    expect(await readModels.getCheckpoint()).toBe(previous(position));
  });
});

import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { InProcessUpdateBus } from '../../../libs/bus/src';
import { LmdbEventStore } from '../../../libs/event-store/src/lmdb/lmdb-event-store';
import { EVENTS_DIR, READ_MODELS_DIR } from '../../../libs/platform/src/data-dirs';
import { LmdbReadModelStore, ReadModelStore } from '../../../libs/read-models/src';
import { projectorCheck } from './projector-health';
import { appendAll, sampleHistory, sent, started } from './testing/chat-history';
import { ProjectorHarness, silentLogger, waitFor } from './testing/projector-harness';
import { ProjectorThread } from './worker/projector-thread';

describe('projector health (the `projector` readiness check)', () => {
  let h: ProjectorHarness;
  beforeEach(() => {
    h = new ProjectorHarness();
  });
  afterEach(() => h.cleanup());

  it('inline: failing while not running or while a batch keeps failing, ok again after', async () => {
    let failures = 3;
    const changes: (string | undefined)[] = [];
    const flaky: ReadModelStore = Object.assign(Object.create(h.readModels) as ReadModelStore, {
      apply: (...args: Parameters<ReadModelStore['apply']>) =>
        failures-- > 0 ? Promise.reject(new Error('disk hiccup')) : h.readModels.apply(...args),
    });
    const projector = h.projector({
      readModels: flaky,
      retryDelayMs: 30,
      onHealthChange: (failing) => changes.push(failing),
    });
    const check = projectorCheck(projector);
    await expect(check.check()).rejects.toThrow('the projector is not running');
    await projector.start();
    await expect(check.check()).resolves.toBeUndefined();

    const last = await appendAll(h.eventStore, sampleHistory(1).flat());
    await waitFor(() => projector.health() !== undefined);
    expect(projector.health()).toMatch(/^apply failing since .*: Error: disk hiccup$/);
    await waitFor(() => projector.lastAppliedPosition === last);
    expect(projector.health()).toBeUndefined();
    expect(changes).toEqual([expect.stringMatching(/^apply failing/), undefined]);

    await projector.stop();
    expect(projector.health()).toBe('the projector is not running');
  });

  it('worker thread: failing from the death of the worker until a restarted one runs', async () => {
    const dir = join(h.dir, 'worker');
    const events = LmdbEventStore.open(join(dir, EVENTS_DIR), { logger: silentLogger });
    const readModels = LmdbReadModelStore.open(join(dir, READ_MODELS_DIR));
    const bus = new InProcessUpdateBus(silentLogger);
    const positions: string[] = [];
    bus.subscribe((u) => positions.push(u.position));
    const thread = new ProjectorThread({
      init: { dataDir: dir, logLevel: 'silent' },
      onDurable: (listener) => events.onDurable(listener),
      updateBus: bus,
      refreshReadModels: () => readModels.refreshSnapshot(),
      logger: silentLogger,
      restartDelayMs: 300,
    });
    try {
      expect(thread.health()).toBe('the projector worker is starting');
      await thread.start();
      expect(thread.health()).toBeUndefined();
      const first = await appendAll(events, [started('c1', ['alice', 'bob'])]);
      await waitFor(() => positions.includes(first));

      // Simulated crash, as in projector-thread.int.spec.ts: the worker is private by design.
      await (thread as unknown as { worker: Worker }).worker.terminate();
      expect(thread.health()).toMatch(
        /^the projector worker exited \(code 1\) at .*; restarting it in 300 ms$/,
      );
      await waitFor(() => thread.health() === undefined);
      const next = await appendAll(events, [sent('c1', 1, 'bob')]);
      await waitFor(() => positions.includes(next));
    } finally {
      await thread.stop();
      expect(thread.health()).toBe('the projector worker is stopped');
      await events.close();
      await readModels.close();
    }
  });
});

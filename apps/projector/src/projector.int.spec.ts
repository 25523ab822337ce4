import { START } from '../../../libs/event-store/src/event-store.port';
import { ReadModelStore } from '../../../libs/read-models/src';
import { appendAll, sampleHistory, sent, started } from './testing/chat-history';
import { ProjectorHarness, waitFor } from './testing/projector-harness';

describe('Projector on LMDB (read models)', () => {
  let h: ProjectorHarness;
  beforeEach(() => {
    h = new ProjectorHarness();
  });
  afterEach(() => h.cleanup());

  it('projects the whole log into the read models and stores the checkpoint', async () => {
    const last = await appendAll(h.eventStore, sampleHistory(3).flat());
    const projector = h.projector();
    await projector.start();
    await projector.caughtUp;
    expect(projector.lastAppliedPosition).toBe(last);
    expect(await h.readModels.getCheckpoint()).toBe(last);
    const c1 = await h.readModels.getConversation('c1');
    expect({ ...c1, members: [...c1!.members].sort() }).toMatchObject({
      title: 'One',
      members: ['alice', 'bob'],
      lastSeq: 6,
    });
    expect(await h.readModels.getReceipt('c3', 'bob')).toEqual({
      userId: 'bob',
      deliveredSeq: 6,
      readSeq: 6,
    });
    expect((await h.readModels.getMessages('c2', { limit: 100 })).map((m) => m.seq)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('is idempotent if run twice: re-delivering every event leaves identical read models', async () => {
    await appendAll(h.eventStore, sampleHistory(3).flat());
    const first = h.projector();
    await first.start();
    await first.caughtUp;
    await first.stop();
    const once = await h.snapshot();
    // A store that forgets its checkpoint: the second projector re-delivers the whole log.
    const forgetful: ReadModelStore = Object.assign(Object.create(h.readModels) as ReadModelStore, {
      getCheckpoint: async () => START,
    });
    const second = h.projector({ readModels: forgetful });
    await second.start();
    await second.caughtUp;
    expect(await h.snapshot()).toEqual(once);
  });

  it('rebuild from the start equals incremental', async () => {
    const projector = h.projector({ maxQueuedEvents: 7 });
    await projector.start();
    let last = START;
    for (const batch of sampleHistory(4)) {
      last = await appendAll(h.eventStore, batch); // appended while the projector runs
    }
    await waitFor(() => projector.lastAppliedPosition === last);
    const incremental = await h.snapshot();

    await projector.rebuild();
    await projector.caughtUp;
    expect(projector.lastAppliedPosition).toBe(last);
    expect(await h.snapshot()).toEqual(incremental);

    // And a fresh store projected from the start in one catch-up agrees too.
    const fresh = h.openReadModels('fresh');
    const other = h.projector({ readModels: fresh });
    await other.start();
    await other.caughtUp;
    expect(await h.snapshot(fresh)).toEqual(incremental);
  });

  it('rebuild does not re-publish updates that were already published', async () => {
    const projector = h.projector();
    await projector.start();
    const last = await appendAll(h.eventStore, sampleHistory(1).flat());
    await waitFor(() => projector.lastAppliedPosition === last);
    const published = h.updates.length;
    await projector.rebuild();
    await projector.caughtUp;
    expect(h.updates).toHaveLength(published);
    const next = await appendAll(h.eventStore, [sent('c1', 3, 'alice')]);
    await waitFor(() => projector.lastAppliedPosition === next);
    expect(h.updates.slice(published).map((u) => u.position)).toEqual([next]);
  });

  it('resumes from its checkpoint after stop/start: nothing missing, nothing repeated', async () => {
    const history = sampleHistory(3);
    const first = h.projector();
    await first.start();
    await appendAll(h.eventStore, history.slice(0, 2).flat());
    await first.stop();
    const before = h.updates.map((u) => u.position);

    const tail = await appendAll(h.eventStore, history.slice(2).flat());
    const second = h.projector();
    await second.start();
    await second.caughtUp;
    expect(second.lastAppliedPosition).toBe(tail);

    const positions = h.updates.map((u) => u.position);
    const stored = (await h.eventStore.readAll({ maxCount: 100_000 })).map((e) => e.position);
    expect(positions).toEqual(stored); // every event once, in log order
    expect(positions.slice(0, before.length)).toEqual(before);
  });

  it('skips unknown event types but still advances the checkpoint past them', async () => {
    const projector = h.projector();
    await projector.start();
    await appendAll(h.eventStore, [started('c1', ['alice', 'bob'])]);
    const last = await appendAll(h.eventStore, [
      { type: 'SomethingNew', data: { conversationId: 'c1' } },
    ]);
    await waitFor(() => projector.lastAppliedPosition === last);
    expect(await h.readModels.getCheckpoint()).toBe(last);
    expect(h.updates.map((u) => u.type)).toEqual(['membership']);
  });

  it('retries a failing apply and then converges (the failed batch is not lost)', async () => {
    let failures = 2;
    const flaky: ReadModelStore = Object.assign(Object.create(h.readModels) as ReadModelStore, {
      apply: (...args: Parameters<ReadModelStore['apply']>) =>
        failures-- > 0 ? Promise.reject(new Error('disk hiccup')) : h.readModels.apply(...args),
    });
    const projector = h.projector({ readModels: flaky });
    await projector.start();
    const last = await appendAll(h.eventStore, sampleHistory(1).flat());
    await waitFor(() => projector.lastAppliedPosition === last);
    expect(failures).toBeLessThan(0);
    expect((await h.readModels.getConversation('c3'))!.lastSeq).toBe(2);
    expect(h.updates.map((u) => u.position)).toEqual(
      (await h.eventStore.readAll({ maxCount: 100_000 })).map((e) => e.position),
    );
  });
});

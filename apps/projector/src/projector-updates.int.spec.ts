import { ProjectionUpdate } from '../../../libs/domain/src';
import { conversationStreamId } from '../../../libs/domain/src';
import { PROJECTION_LAG_METRIC, projectionLag } from './projection-lag';
import {
  added,
  appendAll,
  delivered,
  read,
  removed,
  sent,
  started,
  toNewEvent,
} from './testing/chat-history';
import { ProjectorHarness, waitFor } from './testing/projector-harness';

const summary = (u: ProjectionUpdate): unknown[] => {
  const recipients = [...u.recipients].sort().join(',');
  if (u.type === 'message') return ['message', u.message.seq, recipients];
  if (u.type === 'receipt') return ['receipt', u.userId, u.deliveredSeq, u.readSeq, recipients];
  return [
    'membership',
    [...u.members].sort().join(','),
    u.added.join(','),
    u.removed.join(','),
    recipients,
  ];
};

const lagCount = async (): Promise<number> =>
  (await projectionLag.get()).values.find((v) => v.metricName === `${PROJECTION_LAG_METRIC}_count`)
    ?.value ?? 0;

describe('Projector on LMDB (published updates)', () => {
  let h: ProjectorHarness;
  beforeEach(() => {
    h = new ProjectorHarness();
  });
  afterEach(() => h.cleanup());

  const history = [
    started('c1', ['alice', 'bob']),
    sent('c1', 1, 'alice'),
    delivered('c1', 'bob', 1),
    sent('c1', 2, 'bob'), // bob's own send raises his watermarks to 2
    delivered('c1', 'bob', 1), // stale: effective stays 2/2
    added('c1', ['carol']),
    sent('c1', 3, 'carol'),
    read('c1', 'alice', 3),
    removed('c1', ['bob']),
    sent('c1', 4, 'alice'),
  ];
  const expected = [
    ['membership', 'alice,bob', 'alice,bob', '', 'alice,bob'],
    ['message', 1, 'alice,bob'],
    ['receipt', 'bob', 1, 0, 'alice,bob'],
    ['message', 2, 'alice,bob'],
    ['receipt', 'bob', 2, 2, 'alice,bob'],
    ['membership', 'alice,bob,carol', 'carol', '', 'alice,bob,carol'],
    ['message', 3, 'alice,bob,carol'],
    ['receipt', 'alice', 3, 3, 'alice,bob,carol'],
    ['membership', 'alice,carol', '', 'bob', 'alice,bob,carol'],
    ['message', 4, 'alice,carol'],
  ];

  it('publishes one update per event, in log order, with the recipients and effective watermarks of its time', async () => {
    const projector = h.projector();
    await projector.start();
    const last = await appendAll(h.eventStore, history);
    await waitFor(() => projector.lastAppliedPosition === last);
    expect(h.updates.map(summary)).toEqual(expected);
  });

  it('gives the same updates when the whole history arrives as one batch', async () => {
    // One append of one stream: the projector sees it all in one catch-up page and one apply.
    await h.eventStore.append(
      conversationStreamId('c1'),
      history.map((e) => toNewEvent(e)),
      'no_stream',
    );
    const projector = h.projector();
    await projector.start();
    await projector.caughtUp;
    expect(h.updates.map(summary)).toEqual(expected);
  });

  it('publishes only after the batch is committed, so the update is visible in the read models', async () => {
    const seen: [number, number][] = [];
    const pending: Promise<void>[] = [];
    h.bus.subscribe((update) => {
      if (update.type !== 'message') return;
      const { conversationId, seq } = update.message;
      pending.push(
        h.readModels
          .getConversation(conversationId)
          .then((view) => void seen.push([seq, view!.lastSeq])),
      );
    });
    const projector = h.projector();
    await projector.start();
    const last = await appendAll(h.eventStore, history);
    await waitFor(() => projector.lastAppliedPosition === last);
    await Promise.all(pending);
    for (const [seq, lastSeq] of seen) expect(lastSeq).toBeGreaterThanOrEqual(seq);
    expect(seen).toHaveLength(4);
  });

  it('applies everything in order under back-pressure (tiny queue, many events)', async () => {
    const events = [
      started('c1', ['alice', 'bob']),
      ...Array.from({ length: 300 }, (_, i) => sent('c1', i + 1, i % 2 ? 'alice' : 'bob')),
    ];
    await h.eventStore.append(
      conversationStreamId('c1'),
      events.map((e) => toNewEvent(e)),
      'no_stream',
    );
    const projector = h.projector({ maxQueuedEvents: 4 });
    await projector.start();
    await projector.caughtUp;
    expect((await h.readModels.getConversation('c1'))!.lastSeq).toBe(300);
    const seqs = h.updates.flatMap((u) => (u.type === 'message' ? [u.message.seq] : []));
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('records event-to-commit lag in chat_projection_lag_seconds', async () => {
    const before = await lagCount();
    const projector = h.projector();
    await projector.start();
    const last = await appendAll(h.eventStore, history.slice(0, 3));
    await waitFor(() => projector.lastAppliedPosition === last);
    expect((await lagCount()) - before).toBe(3);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConversationCommand,
  MessageSent,
  conversationStreamId,
  defaultPolicy,
  foldConversation,
  ConversationEvent,
} from '../../../../libs/domain/src';
import {
  EventStore,
  WrongExpectedRevisionError,
} from '../../../../libs/event-store/src/event-store.port';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { readWholeStream } from '../../../../libs/event-store/src/read-pages';
import { verifyChain } from '../../../../libs/event-store/src/hash-chain';
import { AppError } from '../../../../libs/platform/src/app-error';
import { CommandDeps, handleConversationCommand } from './handle-command';
import { sentEventId } from './idempotent-send';
import { StreamCache } from './stream-cache';

const NOW = '2025-01-01T00:00:00.000Z';
const ctx = { actor: 'alice', correlationId: 'test' };
const CID = 'c1';
const STREAM = conversationStreamId(CID);
const start = (kind: 'direct' | 'group' = 'direct'): ConversationCommand => ({
  type: 'StartConversation',
  data: { conversationId: CID, kind, members: ['bob'], actor: 'alice', now: NOW },
});
const send = (clientMessageId: string, actor = 'alice'): ConversationCommand => ({
  type: 'SendMessage',
  data: {
    conversationId: CID,
    messageId: `id-${clientMessageId}-${Math.random()}`,
    clientMessageId,
    actor,
    body: 'hi',
    attachments: [],
    now: NOW,
  },
});

describe('handleConversationCommand on the LMDB event store', () => {
  let dir: string;
  let store: LmdbEventStore;
  let outcomes: string[];
  const deps = (eventStore: EventStore = store, snapshotEvery = 1_000): CommandDeps => ({
    store: eventStore,
    snapshots: store.snapshots,
    cache: new StreamCache(eventStore, store.snapshots),
    policy: defaultPolicy,
    snapshotEvery,
    record: (type, outcome) => outcomes.push(`${type}:${outcome}`),
    snapshotFailed: (err) => {
      throw err;
    },
  });
  /** Sends as the SendMessage handler does: reply from the state, a retry from the original. */
  const ref = (d: CommandDeps, command: ConversationCommand) => {
    const { actor, clientMessageId, messageId } = command.data as unknown as MessageSent['data'] & {
      actor: string;
    };
    return handleConversationCommand(
      d,
      command,
      { ...ctx, actor },
      (state) => ({ messageId, seq: state.status === 'active' ? state.lastSeq : 0 }),
      {
        eventId: sentEventId(CID, actor, clientMessageId),
        replay: (e) => {
          const data = e.data as MessageSent['data'];
          return { messageId: data.messageId, seq: data.seq };
        },
      },
    );
  };
  const stored = () => readWholeStream(store, STREAM);
  const sentCount = async () => (await stored()).filter((e) => e.type === 'MessageSent').length;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handle-command-'));
    store = LmdbEventStore.open(dir);
    outcomes = [];
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pipelines 200 concurrent sends on one stream into dense seqs and one valid hash chain, loading once', async () => {
    const d = deps();
    await handleConversationCommand(d, start(), ctx, () => undefined);
    const reads = jest.spyOn(store, 'readStream');
    const refs = await Promise.all(Array.from({ length: 200 }, (_, i) => ref(d, send(`m${i}`))));
    expect(refs.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    expect(reads).not.toHaveBeenCalled();
    const events = await stored();
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 201 }, (_, i) => i));
    expect(verifyChain(events)).toEqual({ ok: true });
  });

  it('shares one load between concurrent first commands on a stream', async () => {
    await handleConversationCommand(deps(), start(), ctx, () => undefined);
    const d = deps();
    const reads = jest.spyOn(store, 'readStream');
    await Promise.all([ref(d, send('a')), ref(d, send('b')), ref(d, send('c'))]);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('acknowledges a concurrent retry with the original ref, not before the original is durable', async () => {
    const d = deps();
    await handleConversationCommand(d, start(), ctx, () => undefined);
    const order: string[] = [];
    const original = ref(d, send('same')).then((r) => (order.push('original'), r));
    const retry = ref(d, send('same')).then((r) => (order.push('retry'), r));
    const [a, b] = await Promise.all([original, retry]);
    expect(b).toEqual(a);
    expect(order).toEqual(['original', 'retry']);
    expect(await sentCount()).toBe(1);
    expect(outcomes).toContain('SendMessage:noop');
  });

  it('a retry of the very first clientMessageId, long after and from a cold cache, gets the original ack', async () => {
    const d = deps();
    await handleConversationCommand(d, start(), ctx, () => undefined);
    const first = await ref(d, send('first'));
    for (let i = 0; i < 50; i++) await ref(d, send(`later-${i}`));
    expect(await ref(deps(), send('first'))).toEqual(first);
    expect(await sentCount()).toBe(51);
  });

  it('two writers (separate caches, as two processes) retrying one clientMessageId store exactly one message', async () => {
    await handleConversationCommand(deps(), start(), ctx, () => undefined);
    const writers = [deps(), deps()];
    const acks = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ref(writers[i % 2], send('twice'))),
    );
    expect(new Set(acks.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await sentCount()).toBe(1);
  });

  it('a sender removed after sending still gets the original on retry, not a refusal', async () => {
    const d = deps();
    await handleConversationCommand(d, start('group'), ctx, () => undefined);
    const original = await ref(d, send('mine', 'bob'));
    const remove: ConversationCommand = {
      type: 'RemoveMembers',
      data: { conversationId: CID, members: ['bob'], actor: 'alice', now: NOW },
    };
    await handleConversationCommand(d, remove, ctx, () => undefined);
    expect(await ref(d, send('mine', 'bob'))).toEqual(original);
    await expect(ref(d, send('new', 'bob'))).rejects.toMatchObject({ code: 'not_a_member' });
  });

  it('reloads and retries when another writer moved the stream (stale cache)', async () => {
    const first = deps();
    const second = deps();
    await handleConversationCommand(first, start(), ctx, () => undefined);
    expect((await ref(first, send('m1'))).seq).toBe(1);
    expect((await ref(second, send('m2', 'bob'))).seq).toBe(2);
    expect((await ref(first, send('m3'))).seq).toBe(3);
    expect(outcomes.filter((o) => o === 'SendMessage:conflict')).toHaveLength(1);
    expect(verifyChain(await stored())).toEqual({ ok: true });
  });

  it('names the command as the cause of its events: a fresh id per command, kept across its retried rounds', async () => {
    await handleConversationCommand(deps(), start(), ctx, () => undefined);
    const attempts: string[] = [];
    let conflictOnce = true;
    const conflicting: EventStore = Object.create(store, {
      append: {
        value: (...args: Parameters<EventStore['append']>) => {
          attempts.push(...args[1].map((e) => e.metadata.causationId));
          if (!conflictOnce) return store.append(...args);
          conflictOnce = false;
          return Promise.reject(new WrongExpectedRevisionError(args[0], args[2], 'unknown'));
        },
      },
    });
    const d = deps(conflicting);
    await ref(d, send('m1'));
    await ref(d, send('m2'));
    const causes = (await stored()).map((e) => e.metadata.causationId);
    expect(new Set(causes).size).toBe(3);
    // m1's first append conflicted; its second round carried the same id.
    expect(attempts).toEqual([causes[1], causes[1], causes[2]]);
    expect(outcomes).toContain('SendMessage:conflict');
  });

  it('gives up with 409 concurrency_conflict after a bounded number of conflicts', async () => {
    const d = deps();
    await handleConversationCommand(d, start(), ctx, () => undefined);
    let conflicts = 0;
    const alwaysMoved: EventStore = Object.create(store, {
      append: {
        value: (streamId: string) => (
          conflicts++,
          Promise.reject(new WrongExpectedRevisionError(streamId, 0, 1))
        ),
      },
    });
    const attempt = ref(deps(alwaysMoved), send('never'));
    await expect(attempt).rejects.toMatchObject({ code: 'concurrency_conflict', status: 409 });
    expect(conflicts).toBe(10);
    expect(await sentCount()).toBe(0);
  });

  it('answers a no-op decided on a failing pending append with 503 once retries are used up', async () => {
    const d = deps();
    await handleConversationCommand(d, start(), ctx, () => undefined);
    await ref(d, send('m1'));
    const failing: EventStore = Object.create(store, {
      append: { value: () => Promise.reject(new Error('EIO')) },
    });
    const f = deps(failing);
    const mark = (upToSeq: number): ConversationCommand => ({
      type: 'MarkRead',
      data: { conversationId: CID, upToSeq, actor: 'bob', now: NOW },
    });
    // Each no-op read receipt waits on the failing pending one; they all fail or give up.
    const results = await Promise.allSettled([
      handleConversationCommand(f, mark(1), ctx, () => 'ok'),
      ...Array.from({ length: 6 }, () => handleConversationCommand(f, mark(1), ctx, () => 'ok')),
    ]);
    const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as Error) : r.value));
    expect(reasons[0]).toMatchObject({ message: 'EIO' });
    for (const reason of reasons.slice(1))
      expect(
        reason === 'ok' ||
          (reason as AppError).status === 503 ||
          (reason as Error).message === 'EIO',
      ).toBe(true);
  });

  it('turns a refusal into an AppError with its status, writing nothing', async () => {
    const d = deps();
    await expect(ref(d, send('x'))).rejects.toMatchObject({
      code: 'conversation_not_found',
      status: 404,
    });
    await handleConversationCommand(d, start(), ctx, () => undefined);
    const refusal = ref(d, send('x', 'carol'));
    await expect(refusal).rejects.toBeInstanceOf(AppError);
    await expect(refusal).rejects.toMatchObject({ code: 'not_a_member', status: 403 });
    expect(await stored()).toHaveLength(1);
  });

  it('drops the cached state after a failed append, so the next command starts from what is stored', async () => {
    let failNext = false;
    const flaky: EventStore = Object.create(store, {
      append: {
        value: (...args: Parameters<EventStore['append']>) =>
          failNext
            ? ((failNext = false), Promise.reject(new Error('disk full')))
            : store.append(...args),
      },
    });
    const d = deps(flaky);
    await handleConversationCommand(d, start(), ctx, () => undefined);
    failNext = true;
    await expect(ref(d, send('lost'))).rejects.toThrow('disk full');
    expect((await ref(d, send('kept'))).seq).toBe(1);
    expect(outcomes).toContain('SendMessage:error');
  });

  describe('snapshots', () => {
    it('a cold load reads the snapshot and only the events after it, and equals the full fold', async () => {
      const d = deps(store, 100);
      await handleConversationCommand(d, start('group'), ctx, () => undefined);
      for (let i = 0; i < 250; i++) await ref(d, send(`m${i}`, i % 2 ? 'alice' : 'bob'));
      await new Promise((resolve) => setTimeout(resolve, 20)); // snapshot saves follow their append
      const snapshot = await store.snapshots.load(STREAM);
      expect(snapshot?.revision).toBe(199);
      const reads = jest.spyOn(store, 'readStream');
      const cold = deps(store, 100);
      const entry = await cold.cache.get(STREAM);
      // One read checks the snapshot's event, then one page of the 51 events after it.
      expect(reads.mock.calls.map(([, o]) => o.fromRevision)).toEqual([199, 200]);
      reads.mockRestore();
      const folded = foldConversation(
        (await stored()).map((e) => e as unknown as ConversationEvent),
      );
      expect(entry.state).toEqual(folded);
      expect(entry.revision).toBe(250);
      expect((await ref(cold, send('after-cold-load'))).seq).toBe(251);
      expect(verifyChain(await stored())).toEqual({ ok: true });
    });

    it('ignores a snapshot that does not match the stored event it claims to follow', async () => {
      const d = deps();
      await handleConversationCommand(d, start(), ctx, () => undefined);
      await ref(d, send('m1'));
      const forged = {
        conversationId: CID,
        kind: 'direct',
        members: ['alice', 'mallory'],
        lastSeq: 99,
        receipts: [],
      };
      await store.snapshots.save(STREAM, {
        revision: 1,
        hash: 'f'.repeat(64),
        schemaVersion: 1,
        state: forged,
      });
      const entry = await deps().cache.get(STREAM);
      expect(entry.state).toMatchObject({ lastSeq: 1, members: new Set(['alice', 'bob']) });
    });
  });
});

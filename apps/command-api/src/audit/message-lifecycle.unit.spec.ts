import { RecordedEvent } from '../../../../libs/event-store/src/event-store.port';
import { AppError } from '../../../../libs/platform/src/app-error';
import { messageLifecycle } from './message-lifecycle';
import { ArrayEventStore } from './testing/array-event-store';

const CONVERSATION = 'c1';
const STREAM = `conversation-${CONVERSATION}`;
const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, 0, i)).toISOString();

/**
 * A group conversation as the domain writes it: messages from random members, each followed by
 * some rising delivered/read watermarks, a member added halfway. Also some noise in other streams.
 */
function groupLog(messages: number, seed = 7): ArrayEventStore {
  const store = new ArrayEventStore();
  let x = seed;
  const rnd = () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  let clock = 0;
  const members = ['alice', 'bob', 'carol'];
  const delivered = new Map<string, number>();
  const read = new Map<string, number>();
  store.add(
    STREAM,
    'ConversationStarted',
    { conversationId: CONVERSATION, kind: 'group', members: [...members], startedBy: 'alice' },
    { actor: 'alice', timestamp: at(clock++) },
  );
  for (let seq = 1; seq <= messages; seq++) {
    if (seq === Math.floor(messages / 2)) {
      members.push('dave');
      store.add(
        STREAM,
        'MembersAdded',
        { conversationId: CONVERSATION, members: ['dave'], addedBy: 'alice' },
        { actor: 'alice', timestamp: at(clock++) },
      );
    }
    const sender = members[Math.floor(rnd() * members.length)];
    store.add(
      STREAM,
      'MessageSent',
      {
        conversationId: CONVERSATION,
        messageId: `m${seq}`,
        senderId: sender,
        seq,
        sentAt: at(clock),
      },
      { actor: sender, timestamp: at(clock++) },
    );
    store.add(
      'conversation-other',
      'MessageSent',
      { seq },
      { actor: 'zed', timestamp: at(clock++) },
    );
    for (const user of members) {
      if (rnd() < 0.5) {
        const upTo = seq - Math.floor(rnd() * 2);
        if (upTo > (delivered.get(user) ?? 0)) {
          delivered.set(user, upTo);
          store.add(
            STREAM,
            'MessageDelivered',
            { conversationId: CONVERSATION, userId: user, upToSeq: upTo, deliveredAt: at(clock) },
            { actor: user, timestamp: at(clock++) },
          );
        }
      }
      if (rnd() < 0.3) {
        const upTo = seq - Math.floor(rnd() * 3);
        if (upTo > (read.get(user) ?? 0)) {
          read.set(user, upTo);
          store.add(
            STREAM,
            'MessageRead',
            { conversationId: CONVERSATION, userId: user, upToSeq: upTo, readAt: at(clock) },
            { actor: user, timestamp: at(clock++) },
          );
        }
      }
    }
  }
  return store;
}

/** What the lifecycle must say, computed naively from the whole stream. */
function expected(log: RecordedEvent[], seq: number) {
  const stream = log.filter((e) => e.streamId === STREAM);
  const sent = stream.find((e) => e.type === 'MessageSent' && (e.data as any).seq === seq)!;
  const sender = (sent.data as any).senderId;
  const users = new Set<string>(
    (stream[0].data as any).members.filter((m: string) => m !== sender),
  );
  const first = (types: string[], user: string) =>
    stream.find(
      (e) =>
        e.revision > sent.revision &&
        types.includes(e.type) &&
        (e.data as any).userId === user &&
        (e.data as any).upToSeq >= seq,
    );
  for (const e of stream)
    if (e.revision > sent.revision && (e.data as any).userId && (e.data as any).upToSeq >= seq)
      if ((e.data as any).userId !== sender) users.add((e.data as any).userId);
  return [...users].sort().map((userId) => ({
    userId,
    delivered: first(['MessageDelivered', 'MessageRead'], userId)?.metadata.eventId ?? null,
    read: first(['MessageRead'], userId)?.metadata.eventId ?? null,
  }));
}

describe('messageLifecycle (one message: sent, then delivered and read per member)', () => {
  const store = groupLog(120);

  it('finds every message and the first receipts that cover it, per member', async () => {
    for (let seq = 1; seq <= 120; seq++) {
      const life = await messageLifecycle(store, CONVERSATION, seq, { scanLimit: 1_000_000 });
      expect(life.message.type).toBe('MessageSent');
      expect((life.message.data as any).seq).toBe(seq);
      expect(life.sentBy).toBe((life.message.data as any).senderId);
      const got = life.receipts.map((r) => ({
        userId: r.userId,
        delivered: r.delivered?.eventId ?? null,
        read: r.read?.eventId ?? null,
      }));
      // Stopping once everyone listed has read it may leave out a late joiner's receipts.
      const want = expected(store.log, seq).filter(
        (w) =>
          life.scan.stoppedBecause === 'end_of_stream' || got.some((g) => g.userId === w.userId),
      );
      expect({ seq, receipts: got }).toEqual({ seq, receipts: want });
      const starters = ['alice', 'bob', 'carol'].filter((m) => m !== life.sentBy);
      for (const m of starters) expect(got.map((g) => g.userId)).toContain(m);
      for (const r of life.receipts) {
        if (r.read) expect(r.read).toMatchObject({ type: 'MessageRead' });
        if (r.read) expect(r.read.upToSeq).toBeGreaterThanOrEqual(seq);
      }
    }
  });

  it('reads O(log R · gap) events to find a message, not the stream up to it', async () => {
    const big = groupLog(3000, 11);
    const streamLength = big.log.filter((e) => e.streamId === STREAM).length;
    big.eventsRead = 0;
    const life = await messageLifecycle(big, CONVERSATION, 2500, { scanLimit: 0 });
    expect(life.scan.stoppedBecause).toBe('scan_limit');
    // the search: ≤ ⌈log2 R⌉ + 1 probes of at most one probe page (64) each, plus 2 single reads
    expect(big.eventsRead).toBeLessThan((Math.ceil(Math.log2(streamLength)) + 1) * 64 + 2);
    expect(big.eventsRead).toBe(life.scan.eventsRead + 1); // + the backwards read of the last event
  });

  it('stops as soon as every recipient has read it, or at the scan limit', async () => {
    const life = await messageLifecycle(store, CONVERSATION, 3, { scanLimit: 1_000_000 });
    if (life.receipts.every((r) => r.read)) expect(life.scan.stoppedBecause).toBe('all_read');
    const limited = await messageLifecycle(store, CONVERSATION, 3, { scanLimit: 2, pageSize: 1 });
    expect(limited.scan).toMatchObject({ stoppedBecause: 'scan_limit' });
    expect(limited.scan.throughRevision - limited.scan.fromRevision).toBe(2);
  });

  it('404 for a seq the conversation does not have, and for an unknown conversation', async () => {
    await expect(messageLifecycle(store, CONVERSATION, 121, { scanLimit: 10 })).rejects.toEqual(
      new AppError('message_not_found', 'Conversation c1 has no message 121', 404),
    );
    await expect(messageLifecycle(store, 'nope', 1, { scanLimit: 10 })).rejects.toMatchObject({
      code: 'conversation_not_found',
      status: 404,
    });
  });

  it('lists the starting members with nothing seen yet when no one has marked it', async () => {
    const quiet = new ArrayEventStore();
    quiet.add(
      STREAM,
      'ConversationStarted',
      { conversationId: CONVERSATION, kind: 'direct', members: ['alice', 'bob'] },
      { actor: 'alice', timestamp: at(0) },
    );
    quiet.add(
      STREAM,
      'MessageSent',
      { conversationId: CONVERSATION, senderId: 'alice', seq: 1, sentAt: at(1) },
      { actor: 'alice', timestamp: at(1) },
    );
    const life = await messageLifecycle(quiet, CONVERSATION, 1, { scanLimit: 100 });
    expect(life.receipts).toEqual([{ userId: 'bob', delivered: null, read: null }]);
    expect(life.scan).toMatchObject({
      fromRevision: 1,
      throughRevision: 1,
      stoppedBecause: 'end_of_stream',
    });
  });
});

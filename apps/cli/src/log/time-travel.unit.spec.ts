import { padU64 } from '../../../../libs/event-store/src/position';
import { conversationHistory } from '../testing/recorded-events';
import { ConversationTimeTravel, Moment } from './time-travel';

const history = conversationHistory('c1');

/** Feeds the stream as the command does: in order, stopping when apply says so. */
function travel(moment: Moment, keepLast?: number) {
  const fold = new ConversationTimeTravel('c1', moment, keepLast);
  for (const event of history) if (!fold.apply(event)) break;
  return fold.result();
}

describe('a conversation at a moment (time travel)', () => {
  it('at a position between two sends: the first send only, with the receipts as they were', () => {
    const at = travel({ position: padU64(2) });
    expect(at).toMatchObject({
      started: true,
      kind: 'group',
      title: 'team',
      members: ['alice', 'bob'],
      lastSeq: 1,
      messageCount: 1,
      eventsApplied: 2,
      lastEvent: { position: padU64(2), revision: 1 },
    });
    expect(at.messages).toEqual([
      {
        seq: 1,
        messageId: 'm1',
        sender: 'alice',
        body: 'hello 1',
        sentAt: '2025-01-01T10:00:10.000Z',
      },
    ]);
    // the sender has read their own message
    expect(at.receipts).toEqual([{ userId: 'alice', delivered: 1, read: 1 }]);
  });

  it('at a time: every event accepted at or before it', () => {
    const at = travel({ time: Date.parse('2025-01-01T10:00:30.000Z') });
    expect(at.members).toEqual(['alice', 'bob', 'carol']);
    expect(at.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(at.receipts).toEqual([
      { userId: 'alice', delivered: 1, read: 1 },
      { userId: 'bob', delivered: 2, read: 2 },
    ]);
    expect(at.at).toEqual({ time: '2025-01-01T10:00:30.000Z' });
  });

  it('at the end: members removed, watermarks raised by later receipts, all messages', () => {
    const at = travel({ position: padU64(999) });
    expect(at.members).toEqual(['alice', 'carol']);
    expect(at.lastSeq).toBe(3);
    expect(at.receipts).toContainEqual({ userId: 'alice', delivered: 3, read: 1 });
    // a former member keeps their receipts
    expect(at.receipts).toContainEqual({ userId: 'bob', delivered: 2, read: 2 });
    expect(at.eventsApplied).toBe(history.length);
  });

  it('before the conversation started: not started, nothing applied', () => {
    const at = travel({ time: Date.parse('2025-01-01T09:00:00.000Z') });
    expect(at).toMatchObject({ started: false, members: [], messages: [], eventsApplied: 0 });
    expect(at.lastEvent).toBeNull();
  });

  it('stops at the first event past the moment (the caller stops reading)', () => {
    const fold = new ConversationTimeTravel('c1', { position: padU64(3) });
    expect(history.map((e) => fold.apply(e))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('keeps only the last N messages when asked, counting them all', () => {
    const at = travel({ position: padU64(999) }, 2);
    expect(at.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(at.messageCount).toBe(3);
  });
});

import {
  CID,
  delivered,
  membersAdded,
  membersRemoved,
  messageSent,
  read,
  started,
} from '../testing/conversation-fixtures';
import { ConversationEvent } from './events';
import { evolve, foldConversation, watermarksOf } from './evolve';
import { ActiveConversation, ConversationState, initialState } from './state';

const active = (state: ConversationState): ActiveConversation => {
  if (state.status !== 'active') throw new Error('expected an active conversation');
  return state;
};

describe('evolve / foldConversation', () => {
  it('an empty stream folds to the empty state', () => {
    expect(foldConversation([])).toEqual({ status: 'empty' });
  });

  it('ConversationStarted makes an active conversation with no messages', () => {
    const state = active(foldConversation([started(['alice', 'bob'], 'group', 'Team')]));
    expect(state).toEqual({
      status: 'active',
      conversationId: CID,
      kind: 'group',
      title: 'Team',
      members: new Set(['alice', 'bob']),
      lastSeq: 0,
      receipts: new Map(),
    });
  });

  it('tracks membership through adds and removes', () => {
    const state = active(
      foldConversation([
        started(['alice', 'bob']),
        membersAdded(['carol', 'dave']),
        membersRemoved(['bob', 'dave']),
        membersAdded(['bob']),
      ]),
    );
    expect([...state.members].sort()).toEqual(['alice', 'bob', 'carol']);
  });

  it('MessageSent sets lastSeq and raises the sender to seq', () => {
    const state = active(
      foldConversation([started(['alice', 'bob']), messageSent(1), messageSent(2, 'bob', 'x')]),
    );
    expect(state.lastSeq).toBe(2);
    expect(watermarksOf(state, 'alice')).toEqual({ delivered: 1, read: 1 });
    expect(watermarksOf(state, 'bob')).toEqual({ delivered: 2, read: 2 });
  });

  it('MessageDelivered raises delivered only; MessageRead raises read and delivered', () => {
    const base = [started(['alice', 'bob']), messageSent(1), messageSent(2), messageSent(3)];
    expect(watermarksOf(active(foldConversation([...base, delivered('bob', 2)])), 'bob')).toEqual({
      delivered: 2,
      read: 0,
    });
    expect(watermarksOf(active(foldConversation([...base, read('bob', 3)])), 'bob')).toEqual({
      delivered: 3,
      read: 3,
    });
  });

  it('watermarks never go down, whatever the order of receipt events', () => {
    const base = [started(['alice', 'bob']), messageSent(1), messageSent(2), messageSent(3)];
    const state = active(
      foldConversation([...base, read('bob', 3), delivered('bob', 1), read('bob', 2)]),
    );
    expect(watermarksOf(state, 'bob')).toEqual({ delivered: 3, read: 3 });
  });

  it('a removed member keeps their receipts (history stays attributable)', () => {
    const state = active(
      foldConversation([
        started(['alice', 'bob']),
        messageSent(1),
        read('bob', 1),
        membersRemoved(['bob']),
      ]),
    );
    expect(state.members.has('bob')).toBe(false);
    expect(watermarksOf(state, 'bob')).toEqual({ delivered: 1, read: 1 });
  });

  it('a user without receipts has zero watermarks', () => {
    expect(watermarksOf(active(foldConversation([started(['alice', 'bob'])])), 'bob')).toEqual({
      delivered: 0,
      read: 0,
    });
  });

  it('ignores events before ConversationStarted and a second ConversationStarted', () => {
    const stray: ConversationEvent[] = [messageSent(1), membersAdded(['x'])];
    expect(foldConversation(stray)).toEqual(initialState());
    const state = active(
      foldConversation([started(['alice', 'bob']), started(['mallory', 'eve'])]),
    );
    expect([...state.members]).toEqual(['alice', 'bob']);
  });

  it('returns a new top-level object (the input is consumed, not to be reused)', () => {
    const before = foldConversation([started(['alice', 'bob'])]);
    const after = evolve(before, messageSent(1));
    expect(after).not.toBe(before);
    expect(active(after).lastSeq).toBe(1);
  });

  it('folds a long conversation (10,000 messages) to the right state', () => {
    const events: ConversationEvent[] = [started(['alice', 'bob'])];
    for (let seq = 1; seq <= 10_000; seq++)
      events.push(messageSent(seq, seq % 2 ? 'alice' : 'bob'));
    events.push(read('alice', 10_000));
    const state = active(foldConversation(events));
    expect(state.lastSeq).toBe(10_000);
    expect(watermarksOf(state, 'alice')).toEqual({ delivered: 10_000, read: 10_000 });
    expect(watermarksOf(state, 'bob')).toEqual({ delivered: 10_000, read: 10_000 });
  });

  it('throws on an unknown event type rather than silently skipping it', () => {
    const state = foldConversation([started(['alice', 'bob'])]);
    const bogus = { type: 'Bogus', data: {} } as unknown as ConversationEvent;
    expect(() => evolve(state, bogus)).toThrow('Unknown event type: Bogus');
  });
});

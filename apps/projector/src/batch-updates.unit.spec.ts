import { ConversationEvent, project } from '../../../libs/domain/src';
import { padU64 } from '../../../libs/event-store/src/position';
import { BatchSnapshot, PositionedEvent, buildUpdates } from './batch-updates';
import { added, delivered, read, removed, sent, started } from './testing/chat-history';

const positioned = (events: ConversationEvent[], first = 1): PositionedEvent[] =>
  events.map((event, i) => ({
    position: padU64(first + i),
    timestamp: '2025-01-01T00:00:00.000Z',
    event,
    ops: project(event),
  }));

const emptySnapshot = (): BatchSnapshot => ({ members: new Map(), receipts: new Map() });

describe('buildUpdates', () => {
  it('gives each update the members as of its own event, in event order', () => {
    const events = positioned([
      started('c1', ['alice', 'bob']),
      sent('c1', 1, 'alice'),
      added('c1', ['carol']),
      sent('c1', 2, 'bob'),
      removed('c1', ['alice']),
      sent('c1', 3, 'carol'),
    ]);
    const updates = buildUpdates(events, emptySnapshot());
    expect(updates.map((u) => [u.position, u.type, [...u.recipients].sort()])).toEqual([
      [padU64(1), 'membership', ['alice', 'bob']],
      [padU64(2), 'message', ['alice', 'bob']],
      [padU64(3), 'membership', ['alice', 'bob', 'carol']],
      [padU64(4), 'message', ['alice', 'bob', 'carol']],
      [padU64(5), 'membership', ['alice', 'bob', 'carol']],
      [padU64(6), 'message', ['bob', 'carol']],
    ]);
    expect(updates[4]).toMatchObject({ members: ['bob', 'carol'], added: [], removed: ['alice'] });
    expect(updates[2]).toMatchObject({ added: ['carol'], removed: [] });
  });

  it('starts from the snapshot taken before the batch', () => {
    const snapshot: BatchSnapshot = {
      members: new Map([['c1', ['alice', 'bob']]]),
      receipts: new Map(),
    };
    const [update] = buildUpdates(positioned([sent('c1', 9, 'bob')]), snapshot);
    expect(update).toMatchObject({
      type: 'message',
      recipients: ['alice', 'bob'],
      message: { seq: 9, senderId: 'bob' },
    });
  });

  it('reports effective watermarks as of each receipt event (max rule, read implies delivered, own sends)', () => {
    const snapshot: BatchSnapshot = {
      members: new Map([['c1', ['alice', 'bob']]]),
      receipts: new Map([['c1\u0000bob', { deliveredSeq: 2, readSeq: 1 }]]),
    };
    const events = positioned([
      delivered('c1', 'bob', 1),
      read('c1', 'bob', 3),
      sent('c1', 5, 'bob'),
      delivered('c1', 'bob', 4),
    ]);
    const receipts = buildUpdates(events, snapshot).filter((u) => u.type === 'receipt');
    expect(
      receipts.map((u) => u.type === 'receipt' && [u.userId, u.deliveredSeq, u.readSeq]),
    ).toEqual([
      ['bob', 2, 1],
      ['bob', 3, 3],
      ['bob', 5, 5],
    ]);
  });
});

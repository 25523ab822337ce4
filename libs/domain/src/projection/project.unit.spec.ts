import { ConversationEvent, MessageSent } from '../conversation/events';
import { project } from './project';
import { ReadModelOp } from './read-model-ops';

const cid = 'c1';
const at = '2025-01-01T00:00:00.000Z';

const messageSent = (seq: number, senderId = 'alice', conversationId = cid): MessageSent => ({
  type: 'MessageSent',
  data: {
    conversationId,
    messageId: `m${seq}`,
    clientMessageId: `cm${seq}`,
    senderId,
    seq,
    body: `hello ${seq}`,
    attachments: [{ mediaId: 'media1', contentType: 'image/png', size: 10 }],
    sentAt: at,
  },
});

/**
 * Two interleaved conversations touching every event type: members join and leave, receipts
 * arrive out of order (a watermark lower than one already raised), senders differ.
 */
const history = (): ConversationEvent[] => [
  {
    type: 'ConversationStarted',
    data: {
      conversationId: 'c1',
      kind: 'group',
      members: ['alice', 'bob'],
      title: 'Team',
      startedBy: 'alice',
      startedAt: at,
    },
  },
  {
    type: 'ConversationStarted',
    data: {
      conversationId: 'c2',
      kind: 'direct',
      members: ['bob', 'dave'],
      startedBy: 'dave',
      startedAt: at,
    },
  },
  {
    type: 'MembersAdded',
    data: { conversationId: 'c1', members: ['carol'], addedBy: 'alice', addedAt: at },
  },
  messageSent(1, 'alice'),
  messageSent(1, 'dave', 'c2'),
  messageSent(2, 'carol'),
  { type: 'MessageRead', data: { conversationId: 'c1', userId: 'bob', upToSeq: 2, readAt: at } },
  {
    type: 'MessageDelivered',
    data: { conversationId: 'c1', userId: 'bob', upToSeq: 1, deliveredAt: at },
  },
  messageSent(3, 'bob'),
  {
    type: 'MembersRemoved',
    data: { conversationId: 'c1', members: ['carol'], removedBy: 'alice', removedAt: at },
  },
  {
    type: 'MessageDelivered',
    data: { conversationId: 'c2', userId: 'bob', upToSeq: 1, deliveredAt: at },
  },
  {
    type: 'MembersAdded',
    data: { conversationId: 'c1', members: ['carol'], addedBy: 'bob', addedAt: at },
  },
  { type: 'MessageRead', data: { conversationId: 'c1', userId: 'carol', upToSeq: 3, readAt: at } },
];

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

/**
 * One independent run of `project`: a fresh copy of its module (nothing left over from other
 * runs), its own fake clock and Math.random, fresh frozen events (mutating them throws),
 * projected in the given order (indexes into history(), repeats allowed).
 */
function projectRun(
  order: number[],
  now: number,
  random: number,
): { index: number; ops: ReadModelOp[] }[] {
  const events = history().map(deepFreeze);
  let fresh: typeof project = () => [];
  jest.isolateModules(() => {
    fresh = jest.requireActual<typeof import('./project')>('./project').project;
  });
  jest.useFakeTimers({ now });
  const randomSpy = jest.spyOn(Math, 'random').mockReturnValue(random);
  try {
    return order.map((index) => ({ index, ops: fresh(events[index]) }));
  } finally {
    randomSpy.mockRestore();
    jest.useRealTimers();
  }
}

describe('project', () => {
  it('ConversationStarted upserts the conversation and adds its members', () => {
    const event: ConversationEvent = {
      type: 'ConversationStarted',
      data: {
        conversationId: cid,
        kind: 'group',
        members: ['alice', 'bob'],
        title: 'Team',
        startedBy: 'alice',
        startedAt: at,
      },
    };
    expect(project(event)).toEqual([
      {
        op: 'upsertConversation',
        conversationId: cid,
        kind: 'group',
        title: 'Team',
        createdAt: at,
      },
      { op: 'addMembers', conversationId: cid, userIds: ['alice', 'bob'] },
    ]);
  });

  it('ConversationStarted without a title emits no title key', () => {
    const event: ConversationEvent = {
      type: 'ConversationStarted',
      data: {
        conversationId: cid,
        kind: 'direct',
        members: ['alice', 'bob'],
        startedBy: 'alice',
        startedAt: at,
      },
    };
    const [upsert] = project(event);
    expect(upsert).toEqual({
      op: 'upsertConversation',
      conversationId: cid,
      kind: 'direct',
      createdAt: at,
    });
    expect('title' in upsert).toBe(false);
  });

  it('MembersAdded adds members', () => {
    const event: ConversationEvent = {
      type: 'MembersAdded',
      data: { conversationId: cid, members: ['carol'], addedBy: 'alice', addedAt: at },
    };
    expect(project(event)).toEqual([{ op: 'addMembers', conversationId: cid, userIds: ['carol'] }]);
  });

  it('MembersRemoved removes members', () => {
    const event: ConversationEvent = {
      type: 'MembersRemoved',
      data: { conversationId: cid, members: ['bob'], removedBy: 'alice', removedAt: at },
    };
    expect(project(event)).toEqual([
      { op: 'removeMembers', conversationId: cid, userIds: ['bob'] },
    ]);
  });

  it('MessageSent puts the message and raises the sender to its seq (delivered and read)', () => {
    const event = messageSent(7, 'bob');
    expect(project(event)).toEqual([
      {
        op: 'putMessage',
        message: {
          conversationId: cid,
          seq: 7,
          messageId: 'm7',
          clientMessageId: 'cm7',
          senderId: 'bob',
          body: 'hello 7',
          attachments: [{ mediaId: 'media1', contentType: 'image/png', size: 10 }],
          sentAt: at,
        },
      },
      { op: 'raiseReceipt', conversationId: cid, userId: 'bob', deliveredSeq: 7, readSeq: 7 },
    ]);
  });

  it('MessageDelivered raises only the delivered watermark', () => {
    const event: ConversationEvent = {
      type: 'MessageDelivered',
      data: { conversationId: cid, userId: 'bob', upToSeq: 5, deliveredAt: at },
    };
    expect(project(event)).toEqual([
      { op: 'raiseReceipt', conversationId: cid, userId: 'bob', deliveredSeq: 5, readSeq: 0 },
    ]);
  });

  it('MessageRead raises read and delivered (read implies delivered)', () => {
    const event: ConversationEvent = {
      type: 'MessageRead',
      data: { conversationId: cid, userId: 'bob', upToSeq: 4, readAt: at },
    };
    expect(project(event)).toEqual([
      { op: 'raiseReceipt', conversationId: cid, userId: 'bob', deliveredSeq: 4, readSeq: 4 },
    ]);
  });

  it('is deterministic: independent runs over a history, in other orders, at other times, agree', () => {
    const forward = history().map((_, i) => i);
    const reference = projectRun(forward, 946_684_800_000, 0.1);
    // Another fresh module, clock and random source; every event projected twice, each time
    // after different events (reverse order, then forward again).
    const again = projectRun([...forward].reverse().concat(forward), 1_924_992_000_000, 0.9);
    expect(again).toHaveLength(2 * forward.length);
    for (const { index, ops } of again) expect(ops).toEqual(reference[index].ops);
  });

  it('ops do not alias the event, so an executor mutating them cannot corrupt the event', () => {
    const event = messageSent(1);
    const [put] = project(event);
    if (put.op !== 'putMessage') throw new Error('expected putMessage');
    put.message.attachments[0].size = 999;
    expect(event.data.attachments[0].size).toBe(10);
  });

  it('rejects an unknown event type loudly instead of silently dropping it', () => {
    const bogus = { type: 'Bogus', data: {} } as unknown as ConversationEvent;
    expect(() => project(bogus)).toThrow('Unknown event type: Bogus');
  });
});

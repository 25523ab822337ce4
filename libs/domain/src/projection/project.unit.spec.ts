import { ConversationEvent, MessageSent } from '../conversation/events';
import { project } from './project';

const cid = 'c1';
const at = '2025-01-01T00:00:00.000Z';

const messageSent = (seq: number, senderId = 'alice'): MessageSent => ({
  type: 'MessageSent',
  data: {
    conversationId: cid,
    messageId: `m${seq}`,
    clientMessageId: `cm${seq}`,
    senderId,
    seq,
    body: `hello ${seq}`,
    attachments: [{ mediaId: 'media1', contentType: 'image/png', size: 10 }],
    sentAt: at,
  },
});

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

  it('is deterministic: projecting the same event twice gives equal ops', () => {
    const event = messageSent(3);
    expect(project(event)).toEqual(project(event));
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

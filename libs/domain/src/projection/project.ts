import { ConversationEvent, MessageSent } from '../conversation/events';
import { ReadModelOp, TimelineMessage } from './read-model-ops';

/**
 * What one event does to the read models. Pure: the executor applies the ops, and every op
 * is idempotent (upsert by key, set add/remove, max-style watermarks), so replaying an event
 * or rebuilding from the start of the log gives the same read models as the incremental run.
 */
export function project(event: ConversationEvent): ReadModelOp[] {
  switch (event.type) {
    case 'ConversationStarted': {
      const { conversationId, kind, title, members, startedAt } = event.data;
      return [
        {
          op: 'upsertConversation',
          conversationId,
          kind,
          ...(title !== undefined ? { title } : {}),
          createdAt: startedAt,
        },
        { op: 'addMembers', conversationId, userIds: [...members] },
      ];
    }
    case 'MembersAdded':
      return [
        {
          op: 'addMembers',
          conversationId: event.data.conversationId,
          userIds: [...event.data.members],
        },
      ];
    case 'MembersRemoved':
      return [
        {
          op: 'removeMembers',
          conversationId: event.data.conversationId,
          userIds: [...event.data.members],
        },
      ];
    case 'MessageSent':
      return projectMessageSent(event);
    case 'MessageDelivered': {
      const { conversationId, userId, upToSeq } = event.data;
      return [{ op: 'raiseReceipt', conversationId, userId, deliveredSeq: upToSeq, readSeq: 0 }];
    }
    case 'MessageRead': {
      // Read implies delivered: both watermarks rise to upToSeq.
      const { conversationId, userId, upToSeq } = event.data;
      return [
        { op: 'raiseReceipt', conversationId, userId, deliveredSeq: upToSeq, readSeq: upToSeq },
      ];
    }
    default: {
      const unexpected: never = event;
      throw new Error(`Unknown event type: ${(unexpected as { type: string }).type}`);
    }
  }
}

/** The message goes on the timeline, and its sender has read everything up to it. */
function projectMessageSent(event: MessageSent): ReadModelOp[] {
  const message = toTimelineMessage(event);
  return [
    { op: 'putMessage', message },
    {
      op: 'raiseReceipt',
      conversationId: message.conversationId,
      userId: message.senderId,
      // Keeps unread = lastSeq − readSeq right for the sender without a special case.
      deliveredSeq: message.seq,
      readSeq: message.seq,
    },
  ];
}

export function toTimelineMessage(event: MessageSent): TimelineMessage {
  const { conversationId, seq, messageId, clientMessageId, senderId, body, attachments, sentAt } =
    event.data;
  return {
    conversationId,
    seq,
    messageId,
    clientMessageId,
    senderId,
    body,
    attachments: attachments.map((attachment) => ({ ...attachment })),
    sentAt,
  };
}

import { ConversationCommand } from '../conversation/commands';
import { decide } from '../conversation/decide';
import {
  Attachment,
  ConversationEvent,
  ConversationKind,
  MessageSent,
} from '../conversation/events';
import { evolve } from '../conversation/evolve';
import { ConversationPolicy } from '../conversation/policy';
import { ConversationState, initialState } from '../conversation/state';
import { DeciderSpecification } from './specification';

/** Builders for conversation specs: fixed ids and times keep expectations literal. */
export const CID = 'c1';
export const T0 = '2025-01-01T00:00:00.000Z';
export const T1 = '2025-01-01T00:00:01.000Z';

export const conversationSpec = (policy?: ConversationPolicy) =>
  DeciderSpecification.for<ConversationState, ConversationCommand, ConversationEvent>(
    (state, command) => decide(state, command, policy),
    evolve,
    initialState,
  );

export const started = (
  members: string[],
  kind: ConversationKind = 'group',
  title?: string,
): ConversationEvent => ({
  type: 'ConversationStarted',
  data: {
    conversationId: CID,
    kind,
    members,
    ...(title !== undefined ? { title } : {}),
    startedBy: members[0],
    startedAt: T0,
  },
});

export const membersAdded = (members: string[], addedBy = 'alice'): ConversationEvent => ({
  type: 'MembersAdded',
  data: { conversationId: CID, members, addedBy, addedAt: T1 },
});

export const membersRemoved = (members: string[], removedBy = 'alice'): ConversationEvent => ({
  type: 'MembersRemoved',
  data: { conversationId: CID, members, removedBy, removedAt: T1 },
});

export const messageSent = (
  seq: number,
  senderId = 'alice',
  clientMessageId = `cm${seq}`,
  body = `body ${seq}`,
): MessageSent => ({
  type: 'MessageSent',
  data: {
    conversationId: CID,
    messageId: `m${seq}`,
    clientMessageId,
    senderId,
    seq,
    body,
    attachments: [],
    sentAt: T1,
  },
});

export const delivered = (userId: string, upToSeq: number): ConversationEvent => ({
  type: 'MessageDelivered',
  data: { conversationId: CID, userId, upToSeq, deliveredAt: T1 },
});

export const read = (userId: string, upToSeq: number): ConversationEvent => ({
  type: 'MessageRead',
  data: { conversationId: CID, userId, upToSeq, readAt: T1 },
});

export const startConversation = (
  actor: string,
  members: string[],
  kind: ConversationKind = 'group',
  title?: string,
): ConversationCommand => ({
  type: 'StartConversation',
  data: {
    conversationId: CID,
    kind,
    members,
    ...(title !== undefined ? { title } : {}),
    actor,
    now: T0,
  },
});

export const addMembers = (actor: string, members: string[]): ConversationCommand => ({
  type: 'AddMembers',
  data: { conversationId: CID, members, actor, now: T1 },
});

export const removeMembers = (actor: string, members: string[]): ConversationCommand => ({
  type: 'RemoveMembers',
  data: { conversationId: CID, members, actor, now: T1 },
});

export const sendMessage = (
  actor: string,
  clientMessageId: string,
  body: string,
  messageId = `new-${clientMessageId}`,
  attachments: Attachment[] = [],
): ConversationCommand => ({
  type: 'SendMessage',
  data: { conversationId: CID, messageId, clientMessageId, actor, body, attachments, now: T1 },
});

export const markDelivered = (actor: string, upToSeq: number): ConversationCommand => ({
  type: 'MarkDelivered',
  data: { conversationId: CID, upToSeq, actor, now: T1 },
});

export const markRead = (actor: string, upToSeq: number): ConversationCommand => ({
  type: 'MarkRead',
  data: { conversationId: CID, upToSeq, actor, now: T1 },
});

/** user1 … userN */
export const users = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `user${i + 1}`);

import { ReadModelOp, TimelineMessage } from '../../../domain/src';
import { padU64 } from '../../../event-store/src/position';
import { ReadModelStore } from '../read-model-store.port';

/** Op builders for specs: small, explicit, and close to what `project` emits. */
export const at = (minute: number): string =>
  new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();

/**
 * The n-th global position, as a checkpoint: positions are opaque strings whose string order is
 * log order, so specs use fixed-width ones (pos(9) < pos(12), unlike '9' and '12').
 */
export const pos = (n: number): string => padU64(n);

export const startConversation = (
  conversationId: string,
  members: string[],
  options: { title?: string; kind?: 'direct' | 'group'; minute?: number } = {},
): ReadModelOp[] => [
  {
    op: 'upsertConversation',
    conversationId,
    kind: options.kind ?? 'group',
    ...(options.title !== undefined ? { title: options.title } : {}),
    createdAt: at(options.minute ?? 0),
  },
  { op: 'addMembers', conversationId, userIds: members },
];

export const message = (
  conversationId: string,
  seq: number,
  senderId = 'alice',
  minute = seq,
): TimelineMessage => ({
  conversationId,
  seq,
  messageId: `${conversationId}-m${seq}`,
  clientMessageId: `${conversationId}-cm${seq}`,
  senderId,
  body: `message ${seq}`,
  attachments: [],
  sentAt: at(minute),
});

export const putMessage = (
  conversationId: string,
  seq: number,
  senderId = 'alice',
  minute = seq,
): ReadModelOp => ({
  op: 'putMessage',
  message: message(conversationId, seq, senderId, minute),
});

export const raise = (
  conversationId: string,
  userId: string,
  deliveredSeq: number,
  readSeq: number,
): ReadModelOp => ({
  op: 'raiseReceipt',
  conversationId,
  userId,
  deliveredSeq,
  readSeq,
});

/**
 * Everything the store answers about the given conversations and users, in one object, so
 * specs can assert "identical read models" with one toEqual. Members are compared as sets.
 */
export async function snapshotOf(
  store: ReadModelStore,
  conversationIds: string[],
  userIds: string[],
): Promise<object> {
  const conversations: Record<string, unknown> = {};
  for (const id of conversationIds) {
    const view = await store.getConversation(id);
    conversations[id] = {
      view: view && { ...view, members: [...view.members].sort() },
      messages: await store.getMessages(id, { afterSeq: 0, limit: Number.MAX_SAFE_INTEGER }),
      receipts: await store.getReceipts(id),
    };
  }
  const inboxes: Record<string, unknown> = {};
  for (const userId of userIds) {
    const inbox = await store.getInbox(userId);
    inboxes[userId] = inbox.map((entry) => ({ ...entry, members: [...entry.members].sort() }));
  }
  return { checkpoint: await store.getCheckpoint(), conversations, inboxes };
}

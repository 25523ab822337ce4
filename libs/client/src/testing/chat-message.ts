import { ChatMessage } from '../protocol';

/** A message fixture for the SDK's unit specs: seq n of a conversation, with derived ids. */
export const chatMessage = (seq: number, conversationId = 'c1'): ChatMessage => ({
  conversationId,
  seq,
  messageId: `m${seq}`,
  clientMessageId: `k${seq}`,
  senderId: 'u',
  attachments: [],
  body: `#${seq}`,
  sentAt: '2024-01-01T00:00:00Z',
});

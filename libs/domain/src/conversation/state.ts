import { ConversationKind } from './events';

export interface Watermarks {
  delivered: number;
  read: number;
}

export interface SentMessageRef {
  messageId: string;
  seq: number;
}

export type ConversationState =
  | { status: 'empty' }
  | {
      status: 'active';
      conversationId: string;
      kind: ConversationKind;
      title?: string;
      members: Set<string>;
      lastSeq: number;
      /** Per user (current and former members) delivered/read watermarks. */
      receipts: Map<string, Watermarks>;
      /** Idempotency index: `${senderId}\u0000${clientMessageId}` → the message it produced. */
      sent: Map<string, SentMessageRef>;
    };

export type ActiveConversation = Extract<ConversationState, { status: 'active' }>;

export const initialState = (): ConversationState => ({ status: 'empty' });

export const idempotencyKey = (senderId: string, clientMessageId: string): string =>
  `${senderId}\u0000${clientMessageId}`;

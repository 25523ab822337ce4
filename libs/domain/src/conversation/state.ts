import { ConversationKind } from './events';

export interface Watermarks {
  delivered: number;
  read: number;
}

export interface SentMessageRef {
  messageId: string;
  seq: number;
}

/**
 * A conversation's decision state. Its size is bounded by its membership (members and their
 * watermarks), never by its length: idempotency of sends is kept by the event store (an event
 * id derived from sender and clientMessageId is stored at most once, forever), not here.
 */
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
    };

export type ActiveConversation = Extract<ConversationState, { status: 'active' }>;

export const initialState = (): ConversationState => ({ status: 'empty' });

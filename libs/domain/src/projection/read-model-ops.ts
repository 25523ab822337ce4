import { Attachment, ConversationKind } from '../conversation/events';

/** A message as the timeline read model stores and serves it. */
export interface TimelineMessage {
  conversationId: string;
  seq: number;
  messageId: string;
  clientMessageId: string;
  senderId: string;
  body: string;
  attachments: Attachment[];
  sentAt: string;
}

/**
 * What one event does to the read models. Every op is safe to apply twice and in any
 * replay: upserts keyed by (conversation, seq), set add/remove, max-style watermarks.
 * Counts (unread) are derived at query time from watermarks, never incremented.
 */
export type ReadModelOp =
  | {
      op: 'upsertConversation';
      conversationId: string;
      kind: ConversationKind;
      title?: string;
      createdAt: string;
    }
  | { op: 'addMembers'; conversationId: string; userIds: string[] }
  | { op: 'removeMembers'; conversationId: string; userIds: string[] }
  | { op: 'putMessage'; message: TimelineMessage }
  /** Raise (never lower) a user's watermarks; read ≥ delivered is kept by the store too. */
  | {
      op: 'raiseReceipt';
      conversationId: string;
      userId: string;
      deliveredSeq: number;
      readSeq: number;
    };

export type ReadModelOpName = ReadModelOp['op'];

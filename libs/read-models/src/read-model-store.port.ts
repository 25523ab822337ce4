import { ConversationKind, ReadModelOp, TimelineMessage } from '../../domain/src';

export interface ConversationView {
  conversationId: string;
  kind: ConversationKind;
  title?: string;
  createdAt: string;
  members: string[];
  lastSeq: number;
}

export interface ReceiptView {
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

export interface InboxEntry {
  conversationId: string;
  kind: ConversationKind;
  title?: string;
  members: string[];
  lastSeq: number;
  lastMessage?: TimelineMessage;
  deliveredSeq: number;
  readSeq: number;
  /** lastSeq − readSeq: derived, never counted, so redelivery cannot skew it. */
  unreadCount: number;
}

export interface MessagePage {
  /** Exclusive lower bound. */
  afterSeq?: number;
  /** Exclusive upper bound. With only beforeSeq, returns the newest `limit` below it. */
  beforeSeq?: number;
  limit: number;
}

/**
 * The read side (timeline, inbox, receipts), fed only by the projector.
 * Guarantees every adapter keeps (checked by the contract suite):
 * - `apply` is idempotent: applying the same ops again (redelivery) changes nothing;
 * - the checkpoint is stored after the writes it covers, so a crash re-projects a tail
 *   instead of losing it;
 * - watermarks only rise, and deliveredSeq ≥ readSeq always holds (read implies delivered);
 * - message pages come back in ascending seq order.
 */
export interface ReadModelStore {
  /** `checkpoint`: the global position (opaque, string-ordered) of the batch's last event. */
  apply(ops: ReadModelOp[], checkpoint: string): Promise<void>;
  /** Global position of the last event applied; '' (START) when nothing was applied yet. */
  getCheckpoint(): Promise<string>;
  getConversation(conversationId: string): Promise<ConversationView | undefined>;
  getMessages(conversationId: string, page: MessagePage): Promise<TimelineMessage[]>;
  getInbox(userId: string): Promise<InboxEntry[]>;
  getReceipts(conversationId: string): Promise<ReceiptView[]>;
  getReceipt(conversationId: string, userId: string): Promise<ReceiptView>;
  /** Removes every read model and the checkpoint (a rebuild from the start of the log follows). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

import { ReadModelOp, TimelineMessage } from '../../../domain/src';
import { NO_WATERMARKS, raiseWatermarks, Watermarks } from '../watermarks';

type UpsertConversation = Extract<ReadModelOp, { op: 'upsertConversation' }>;

export interface MembershipChange {
  conversationId: string;
  userId: string;
  /** true: member (add), false: not a member (remove). */
  member: boolean;
}

export interface ReceiptRaise extends Watermarks {
  conversationId: string;
  userId: string;
}

/**
 * One apply's ops, folded to at most one write per row. The rows' writes then run concurrently
 * with no order among them, which is only correct because no two of them touch the same row:
 * - upserts (conversations, messages): the last op for a key wins, as applied in order;
 * - membership: add/remove of one (conversation, user) folds to its final state;
 * - receipts: the raises of one (conversation, user) fold with raiseWatermarks (max, read ⇒
 *   delivered) into one raise; all-zero raises are dropped (0 is every watermark's floor);
 * - heads: per conversation, the message with the highest seq of the batch.
 */
export interface WritePlan {
  conversations: UpsertConversation[];
  memberships: MembershipChange[];
  messages: TimelineMessage[];
  heads: TimelineMessage[];
  receipts: ReceiptRaise[];
}

const pairKey = (a: string, b: string | number): string => JSON.stringify([a, b]);

export function planWrites(ops: readonly ReadModelOp[]): WritePlan {
  const conversations = new Map<string, UpsertConversation>();
  const memberships = new Map<string, MembershipChange>();
  const messages = new Map<string, TimelineMessage>();
  const heads = new Map<string, TimelineMessage>();
  const receipts = new Map<string, ReceiptRaise>();

  const setMembers = (conversationId: string, userIds: string[], member: boolean) => {
    for (const userId of userIds) {
      memberships.set(pairKey(conversationId, userId), { conversationId, userId, member });
    }
  };

  for (const op of ops) {
    switch (op.op) {
      case 'upsertConversation':
        conversations.set(op.conversationId, op);
        break;
      case 'addMembers':
        setMembers(op.conversationId, op.userIds, true);
        break;
      case 'removeMembers':
        setMembers(op.conversationId, op.userIds, false);
        break;
      case 'putMessage': {
        const { message } = op;
        messages.set(pairKey(message.conversationId, message.seq), message);
        const head = heads.get(message.conversationId);
        if (!head || message.seq >= head.seq) heads.set(message.conversationId, message);
        break;
      }
      case 'raiseReceipt': {
        const { conversationId, userId } = op;
        const key = pairKey(conversationId, userId);
        const raised = raiseWatermarks(receipts.get(key) ?? NO_WATERMARKS, op);
        receipts.set(key, { conversationId, userId, ...raised });
        break;
      }
      default: {
        const unexpected: never = op;
        throw new Error(`Unknown read-model op: ${(unexpected as { op: string }).op}`);
      }
    }
  }

  return {
    conversations: [...conversations.values()],
    memberships: [...memberships.values()],
    messages: [...messages.values()],
    heads: [...heads.values()],
    receipts: [...receipts.values()].filter((r) => r.deliveredSeq > 0 || r.readSeq > 0),
  };
}

import { ReadModelOp } from '../../../domain/src';
import { NO_WATERMARKS, raiseWatermarks } from '../watermarks';
import { LmdbTables } from './lmdb-tables';

/**
 * Applies one op inside the caller's write transaction (reads see the transaction's own
 * writes, so the max-style receipt update is atomic). Every branch is an upsert, a set
 * add/remove or a max, hence idempotent: applying the same op twice changes nothing.
 */
export function applyOp(tables: LmdbTables, op: ReadModelOp): void {
  switch (op.op) {
    case 'upsertConversation': {
      const { conversationId, kind, title, createdAt } = op;
      tables.conversations.put(conversationId, {
        conversationId,
        kind,
        ...(title !== undefined ? { title } : {}),
        createdAt,
      });
      return;
    }
    case 'addMembers':
      for (const userId of op.userIds) {
        tables.members.put([op.conversationId, userId], true);
        tables.inbox.put([userId, op.conversationId], true);
      }
      return;
    case 'removeMembers':
      for (const userId of op.userIds) {
        tables.members.remove([op.conversationId, userId]);
        tables.inbox.remove([userId, op.conversationId]);
      }
      return;
    case 'putMessage':
      tables.messages.put([op.message.conversationId, op.message.seq], op.message);
      return;
    case 'raiseReceipt': {
      const key: [string, string] = [op.conversationId, op.userId];
      const current = tables.receipts.get(key) ?? NO_WATERMARKS;
      const next = raiseWatermarks(current, op);
      if (next.deliveredSeq !== current.deliveredSeq || next.readSeq !== current.readSeq) {
        tables.receipts.put(key, next);
      }
      return;
    }
    default: {
      const unexpected: never = op;
      throw new Error(`Unknown read-model op: ${(unexpected as { op: string }).op}`);
    }
  }
}

import { types } from 'cassandra-driver';
import { Attachment, ConversationKind, TimelineMessage } from '../../../domain/src';

/** A bigint column as a number (seqs stay far below 2^53); null/absent cells read as 0. */
export function toSeq(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return (value as types.Long).toNumber();
}

/** A timeline row (seq and message columns) as the message the projector stored. */
export function toTimelineMessage(conversationId: string, row: types.Row): TimelineMessage {
  return {
    conversationId,
    seq: toSeq(row.seq),
    messageId: row.message_id,
    clientMessageId: row.client_message_id,
    senderId: row.sender_id,
    body: row.body,
    attachments: JSON.parse(row.attachments ?? '[]') as Attachment[],
    sentAt: row.sent_at,
  };
}

export interface ConversationHeader {
  kind: ConversationKind;
  title?: string;
  createdAt: string;
}

/** A user's row in a conversation partition. */
export interface UserRow {
  userId: string;
  member: boolean;
  deliveredSeq: number;
  readSeq: number;
  /** Some watermark was ever raised (a former member keeps showing in the receipts). */
  hasWatermarks: boolean;
}

/** One `conversations` partition: header and head (static columns) and its users' rows. */
export interface ConversationState {
  /** Absent until upsertConversation (a partition may hold rows before its header). */
  header?: ConversationHeader;
  lastSeq: number;
  lastMessage?: TimelineMessage;
  users: UserRow[];
}

/** The rows of selectConversation (every page); undefined for a partition that does not exist. */
export function toConversationState(rows: types.Row[]): ConversationState | undefined {
  if (rows.length === 0) return undefined;
  const statics = rows[0];
  const users: UserRow[] = [];
  for (const row of rows) {
    if (row.user_id === null || row.user_id === undefined) continue; // the static row alone
    const hasWatermarks = row.delivered_seq !== null || row.read_seq !== null;
    users.push({
      userId: row.user_id as string,
      member: row.member === true,
      deliveredSeq: toSeq(row.delivered_seq),
      readSeq: toSeq(row.read_seq),
      hasWatermarks,
    });
  }
  return {
    ...(statics.kind !== null && statics.kind !== undefined
      ? {
          header: {
            kind: statics.kind as ConversationKind,
            ...(statics.title !== null ? { title: statics.title as string } : {}),
            createdAt: statics.created_at as string,
          },
        }
      : {}),
    lastSeq: toSeq(statics.last_seq),
    ...(statics.last_message
      ? { lastMessage: JSON.parse(statics.last_message) as TimelineMessage }
      : {}),
    users,
  };
}

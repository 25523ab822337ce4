import { TimelineMessage } from '../../../../libs/domain/src';
import { ServerFrame } from '../protocol/frames';

/** The `message` frame for a timeline message (same shape live and in a sync replay). */
export const messageFrame = (m: TimelineMessage): ServerFrame => ({
  type: 'message',
  conversationId: m.conversationId,
  seq: m.seq,
  messageId: m.messageId,
  clientMessageId: m.clientMessageId,
  senderId: m.senderId,
  body: m.body,
  attachments: m.attachments,
  sentAt: m.sentAt,
});

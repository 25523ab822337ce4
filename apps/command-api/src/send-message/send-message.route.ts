import type { CommandRoute } from '../http/command-route';
import { conversationIdParam } from '../http/conversation-id';
import { compileBody } from '../http/validator';
import { SendMessage } from './send-message.handler';
import { SendMessageBody, sendMessageSchema } from './send-message.schema';

const validate = compileBody<SendMessageBody>(sendMessageSchema);

/** POST /v1/conversations/:id/messages → 201 {messageId, seq}; a retry answers the same pair (201 again). */
export const sendMessageRoute: CommandRoute = {
  url: '/v1/conversations/:id/messages',
  status: 201,
  command: (id, body, ctx) => new SendMessage(conversationIdParam(id), validate(body), ctx),
};

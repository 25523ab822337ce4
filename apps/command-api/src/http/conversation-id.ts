import { AppError } from '../../../../libs/platform/src/app-error';

const CONVERSATION_ID = /^[A-Za-z0-9-]{1,64}$/;

/** A path id that cannot name a conversation is answered like an unknown one. */
export function conversationIdParam(id: string): string {
  if (!CONVERSATION_ID.test(id))
    throw new AppError('conversation_not_found', `Conversation ${id.slice(0, 64)} not found`, 404);
  return id;
}

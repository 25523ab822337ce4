import { ProjectionUpdate } from '../../domain/src';

/** The conversation an update belongs to: the bus's ordering key. */
export const conversationOf = (update: ProjectionUpdate): string =>
  update.type === 'message' ? update.message.conversationId : update.conversationId;

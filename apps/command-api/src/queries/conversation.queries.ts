import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TimelineMessage } from '../../../../libs/domain/src';
import { AppError } from '../../../../libs/platform/src/app-error';
import { READ_MODELS } from '../../../../libs/platform/src/tokens';
import {
  ConversationView,
  InboxEntry,
  MessagePage,
  ReadModelStore,
  ReceiptView,
} from '../../../../libs/read-models/src';

/**
 * Reads go to the read models (eventually consistent: a write is visible once the projector
 * has applied it, normally within milliseconds). Conversation reads are for members only.
 */
export class GetConversation {
  constructor(
    readonly conversationId: string,
    readonly actor: string,
  ) {}
}
export class GetMessages {
  constructor(
    readonly conversationId: string,
    readonly actor: string,
    readonly page: MessagePage,
  ) {}
}
export class GetReceipts {
  constructor(
    readonly conversationId: string,
    readonly actor: string,
  ) {}
}
export class GetInbox {
  constructor(readonly actor: string) {}
}

async function memberView(
  readModels: ReadModelStore,
  conversationId: string,
  actor: string,
): Promise<ConversationView> {
  const view = await readModels.getConversation(conversationId);
  if (!view)
    throw new AppError('conversation_not_found', `Conversation ${conversationId} not found`, 404);
  if (!view.members.includes(actor))
    throw new AppError(
      'not_a_member',
      `${actor} is not a member of conversation ${conversationId}`,
      403,
    );
  return view;
}

@QueryHandler(GetConversation)
export class GetConversationHandler implements IQueryHandler<GetConversation> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}
  execute({ conversationId, actor }: GetConversation): Promise<ConversationView> {
    return memberView(this.readModels, conversationId, actor);
  }
}

@QueryHandler(GetMessages)
export class GetMessagesHandler implements IQueryHandler<GetMessages> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}
  async execute({
    conversationId,
    actor,
    page,
  }: GetMessages): Promise<{ messages: TimelineMessage[] }> {
    await memberView(this.readModels, conversationId, actor);
    return { messages: await this.readModels.getMessages(conversationId, page) };
  }
}

@QueryHandler(GetReceipts)
export class GetReceiptsHandler implements IQueryHandler<GetReceipts> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}
  async execute({ conversationId, actor }: GetReceipts): Promise<{ receipts: ReceiptView[] }> {
    await memberView(this.readModels, conversationId, actor);
    return { receipts: await this.readModels.getReceipts(conversationId) };
  }
}

@QueryHandler(GetInbox)
export class GetInboxHandler implements IQueryHandler<GetInbox> {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}
  async execute({ actor }: GetInbox): Promise<{ conversations: InboxEntry[] }> {
    return { conversations: await this.readModels.getInbox(actor) };
  }
}

export const QUERY_HANDLERS = [
  GetConversationHandler,
  GetMessagesHandler,
  GetReceiptsHandler,
  GetInboxHandler,
];

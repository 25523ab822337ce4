import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CommandContext } from '../conversation/handle-command';
import { conversationIdParam } from '../http/conversation-id';
import { BearerAuthGuard, Ctx } from '../http/request-context';
import { compileQuery } from '../http/validator';
import { GetConversation, GetInbox, GetMessages, GetReceipts } from './conversation.queries';
import { DEFAULT_PAGE, GetMessagesQuery, getMessagesSchema } from './get-messages.schema';

const validatePage = compileQuery<GetMessagesQuery>(getMessagesSchema);

@Controller('v1')
@UseGuards(BearerAuthGuard)
export class QueriesController {
  constructor(private readonly queries: QueryBus) {}

  @Get('me/conversations')
  inbox(@Ctx() ctx: CommandContext) {
    return this.queries.execute(new GetInbox(ctx.actor));
  }

  @Get('conversations/:id')
  conversation(@Param('id') id: string, @Ctx() ctx: CommandContext) {
    return this.queries.execute(new GetConversation(conversationIdParam(id), ctx.actor));
  }

  /** Ascending seq order. Only beforeSeq (or nothing): the newest `limit` below it. */
  @Get('conversations/:id/messages')
  messages(@Param('id') id: string, @Query() query: unknown, @Ctx() ctx: CommandContext) {
    const { beforeSeq, afterSeq, limit = DEFAULT_PAGE } = validatePage({ ...(query as object) });
    return this.queries.execute(
      new GetMessages(conversationIdParam(id), ctx.actor, { beforeSeq, afterSeq, limit }),
    );
  }

  @Get('conversations/:id/receipts')
  receipts(@Param('id') id: string, @Ctx() ctx: CommandContext) {
    return this.queries.execute(new GetReceipts(conversationIdParam(id), ctx.actor));
  }
}

import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { CommandContext } from '../conversation/handle-command';
import { BearerAuthGuard, Ctx } from '../http/request-context';
import { compileBody } from '../http/validator';
import { StartConversation } from './start-conversation.handler';
import { StartConversationBody, startConversationSchema } from './start-conversation.schema';

const validate = compileBody<StartConversationBody>(startConversationSchema);

@Controller('v1/conversations')
@UseGuards(BearerAuthGuard)
export class StartConversationController {
  constructor(private readonly commands: CommandBus) {}

  /** 201 when created; 200 with the same id when the direct conversation already exists. */
  @Post()
  @HttpCode(201)
  async start(
    @Body() body: unknown,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commands.execute(new StartConversation(validate(body), ctx));
    if (!result.created) reply.status(200);
    return { conversationId: result.conversationId };
  }
}

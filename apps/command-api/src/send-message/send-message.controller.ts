import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandContext } from '../conversation/handle-command';
import { conversationIdParam } from '../http/conversation-id';
import { BearerAuthGuard, Ctx } from '../http/request-context';
import { compileBody } from '../http/validator';
import { SendMessage } from './send-message.handler';
import { SendMessageBody, sendMessageSchema } from './send-message.schema';

const validate = compileBody<SendMessageBody>(sendMessageSchema);

@Controller('v1/conversations')
@UseGuards(BearerAuthGuard)
export class SendMessageController {
  constructor(private readonly commands: CommandBus) {}

  /** 201 {messageId, seq}; a retry answers the same pair (and 201 again: the message exists). */
  @Post(':id/messages')
  @HttpCode(201)
  send(@Param('id') id: string, @Body() body: unknown, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new SendMessage(conversationIdParam(id), validate(body), ctx));
  }
}

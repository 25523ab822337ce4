import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandContext } from '../conversation/handle-command';
import { conversationIdParam } from '../http/conversation-id';
import { BearerAuthGuard, Ctx } from '../http/request-context';
import { compileBody } from '../http/validator';
import { MarkReceipt, ReceiptResult } from './mark-receipt.handler';
import { MarkReceiptBody, markReceiptSchema } from './mark-receipt.schema';

const validate = compileBody<MarkReceiptBody>(markReceiptSchema);

@Controller('v1/conversations')
@UseGuards(BearerAuthGuard)
export class MarkReceiptController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/delivered')
  @HttpCode(200)
  delivered(
    @Param('id') id: string,
    @Body() body: unknown,
    @Ctx() ctx: CommandContext,
  ): Promise<ReceiptResult> {
    return this.commands.execute(
      new MarkReceipt('delivered', conversationIdParam(id), validate(body).upToSeq, ctx),
    );
  }

  @Post(':id/read')
  @HttpCode(200)
  read(
    @Param('id') id: string,
    @Body() body: unknown,
    @Ctx() ctx: CommandContext,
  ): Promise<ReceiptResult> {
    return this.commands.execute(
      new MarkReceipt('read', conversationIdParam(id), validate(body).upToSeq, ctx),
    );
  }
}

import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandContext } from '../conversation/handle-command';
import { conversationIdParam } from '../http/conversation-id';
import { BearerAuthGuard, Ctx } from '../http/request-context';
import { compileBody } from '../http/validator';
import { ChangeMembers } from './change-members.handler';
import { ChangeMembersBody, changeMembersSchema } from './change-members.schema';

const validate = compileBody<ChangeMembersBody>(changeMembersSchema);

@Controller('v1/conversations')
@UseGuards(BearerAuthGuard)
export class ChangeMembersController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/members')
  @HttpCode(200)
  change(@Param('id') id: string, @Body() body: unknown, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new ChangeMembers(conversationIdParam(id), validate(body), ctx));
  }
}

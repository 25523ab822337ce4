import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConversationState } from '../../../../libs/domain/src';
import { ConversationCommandRunner } from '../conversation/conversation-commands.service';
import { CommandContext } from '../conversation/handle-command';
import { ChangeMembersBody } from './change-members.schema';

export class ChangeMembers {
  constructor(
    readonly conversationId: string,
    readonly input: ChangeMembersBody,
    readonly ctx: CommandContext,
  ) {}
}

/** Adds, then removes (two commands, each atomic); replies with the resulting member list. */
@CommandHandler(ChangeMembers)
export class ChangeMembersHandler implements ICommandHandler<ChangeMembers> {
  constructor(private readonly runner: ConversationCommandRunner) {}

  async execute({ conversationId, input, ctx }: ChangeMembers): Promise<{ members: string[] }> {
    const now = new Date().toISOString();
    let members: string[] = [];
    const read = (state: ConversationState) =>
      state.status === 'active' ? [...state.members] : [];
    if (input.add)
      members = await this.runner.run(
        { type: 'AddMembers', data: { conversationId, members: input.add, actor: ctx.actor, now } },
        ctx,
        read,
      );
    if (input.remove)
      members = await this.runner.run(
        {
          type: 'RemoveMembers',
          data: { conversationId, members: input.remove, actor: ctx.actor, now },
        },
        ctx,
        read,
      );
    return { members };
  }
}

import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../../../../libs/platform/src/app-error';
import { ConversationCommandRunner } from '../conversation/conversation-commands.service';
import { CommandContext } from '../conversation/handle-command';
import { StartConversationBody } from './start-conversation.schema';

export class StartConversation {
  constructor(
    readonly input: StartConversationBody,
    readonly ctx: CommandContext,
  ) {}
}

/** `created: false` when the direct conversation of this pair already existed (same id). */
@CommandHandler(StartConversation)
export class StartConversationHandler implements ICommandHandler<StartConversation> {
  constructor(private readonly runner: ConversationCommandRunner) {}

  async execute({
    input,
    ctx,
  }: StartConversation): Promise<{ conversationId: string; created: boolean }> {
    const conversationId = conversationIdFor(ctx.actor, input);
    const command = {
      type: 'StartConversation' as const,
      data: { ...input, conversationId, actor: ctx.actor, now: new Date().toISOString() },
    };
    try {
      return await this.runner.run(command, ctx, () => ({ conversationId, created: true }));
    } catch (err) {
      if (input.kind === 'direct' && err instanceof AppError && err.code === 'conversation_exists')
        return { conversationId, created: false };
      throw err;
    }
  }
}

/**
 * A direct conversation's id is derived from its sorted member pair, so both users (and
 * retries) address the same conversation instead of creating duplicates. Groups get a UUID.
 */
export function conversationIdFor(actor: string, input: StartConversationBody): string {
  const members = [...new Set([actor, ...input.members])];
  if (input.kind !== 'direct' || members.length !== 2) return randomUUID();
  const hex = createHash('sha256')
    .update(`direct\u0000${members.sort().join('\u0000')}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConversationState, watermarksOf } from '../../../../libs/domain/src';
import { ConversationCommandRunner } from '../conversation/conversation-commands.service';
import { CommandContext } from '../conversation/handle-command';

export class MarkReceipt {
  constructor(
    readonly kind: 'delivered' | 'read',
    readonly conversationId: string,
    readonly upToSeq: number,
    readonly ctx: CommandContext,
  ) {}
}

export interface ReceiptResult {
  deliveredSeq: number;
  readSeq: number;
}

/** Raises a watermark (a lower or equal one is a no-op) and replies with the caller's watermarks. */
@CommandHandler(MarkReceipt)
export class MarkReceiptHandler implements ICommandHandler<MarkReceipt> {
  constructor(private readonly runner: ConversationCommandRunner) {}

  execute({ kind, conversationId, upToSeq, ctx }: MarkReceipt): Promise<ReceiptResult> {
    const data = { conversationId, upToSeq, actor: ctx.actor, now: new Date().toISOString() };
    const type = kind === 'read' ? ('MarkRead' as const) : ('MarkDelivered' as const);
    return this.runner.run({ type, data }, ctx, (state: ConversationState) => {
      const marks =
        state.status === 'active' ? watermarksOf(state, ctx.actor) : { delivered: 0, read: 0 };
      return { deliveredSeq: marks.delivered, readSeq: marks.read };
    });
  }
}

import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { SentMessageRef, sentMessageRef } from '../../../../libs/domain/src';
import { ConversationCommandRunner } from '../conversation/conversation-commands.service';
import { CommandContext } from '../conversation/handle-command';
import { SendMessageBody } from './send-message.schema';

export class SendMessage {
  constructor(
    readonly conversationId: string,
    readonly input: SendMessageBody,
    readonly ctx: CommandContext,
  ) {}
}

/** A retry (same sender and clientMessageId) gets the original messageId and seq. */
@CommandHandler(SendMessage)
export class SendMessageHandler implements ICommandHandler<SendMessage> {
  constructor(private readonly runner: ConversationCommandRunner) {}

  execute({ conversationId, input, ctx }: SendMessage): Promise<SentMessageRef> {
    const { clientMessageId, body, attachments = [] } = input;
    const data = {
      conversationId,
      messageId: randomUUID(),
      clientMessageId,
      actor: ctx.actor,
      body,
      attachments,
      now: new Date().toISOString(),
    };
    return this.runner.run({ type: 'SendMessage', data }, ctx, (state) =>
      sentMessageRef(state, ctx.actor, clientMessageId)!,
    );
  }
}

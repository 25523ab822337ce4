import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { MessageSent, SentMessageRef } from '../../../../libs/domain/src';
import { ConversationCommandRunner } from '../conversation/conversation-commands.service';
import { CommandContext } from '../conversation/handle-command';
import { sentEventId } from '../conversation/idempotent-send';
import { SendMessageBody } from './send-message.schema';

export class SendMessage {
  constructor(
    readonly conversationId: string,
    readonly input: SendMessageBody,
    readonly ctx: CommandContext,
  ) {}
}

/**
 * A retry (same sender and clientMessageId), however late and through whichever process, gets
 * the original messageId and seq: the MessageSent's event id is derived from that pair.
 */
@CommandHandler(SendMessage)
export class SendMessageHandler implements ICommandHandler<SendMessage> {
  constructor(private readonly runner: ConversationCommandRunner) {}

  execute({ conversationId, input, ctx }: SendMessage): Promise<SentMessageRef> {
    const { clientMessageId, body, attachments = [] } = input;
    const messageId = randomUUID();
    const data = {
      conversationId,
      messageId,
      clientMessageId,
      actor: ctx.actor,
      body,
      attachments,
      now: new Date().toISOString(),
    };
    const idempotency = {
      eventId: sentEventId(conversationId, ctx.actor, clientMessageId),
      replay: ({ data }: { data: object }) => {
        const original = data as MessageSent['data'];
        return { messageId: original.messageId, seq: original.seq };
      },
    };
    return this.runner.run(
      { type: 'SendMessage', data },
      ctx,
      (state) => ({ messageId, seq: state.status === 'active' ? state.lastSeq : 0 }),
      idempotency,
    );
  }
}

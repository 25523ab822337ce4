import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ChatCommands } from '../../../../libs/platform/src/chat-commands.port';
import { MarkReceipt } from '../mark-receipt/mark-receipt.handler';
import { SendMessage } from '../send-message/send-message.handler';

/** ChatCommands for apps in the same process (the gateway): straight onto the CommandBus. */
@Injectable()
export class InProcessChatCommands implements ChatCommands {
  constructor(private readonly commands: CommandBus) {}

  sendMessage(
    cmd: Parameters<ChatCommands['sendMessage']>[0],
  ): Promise<{ messageId: string; seq: number }> {
    const { actor, conversationId, clientMessageId, body, attachments, correlationId } = cmd;
    const ctx = { actor, correlationId: correlationId ?? randomUUID() };
    return this.commands.execute(
      new SendMessage(conversationId, { clientMessageId, body, attachments }, ctx),
    );
  }

  async markDelivered(cmd: Parameters<ChatCommands['markDelivered']>[0]): Promise<void> {
    await this.receipt('delivered', cmd);
  }

  async markRead(cmd: Parameters<ChatCommands['markRead']>[0]): Promise<void> {
    await this.receipt('read', cmd);
  }

  private receipt(
    kind: 'delivered' | 'read',
    cmd: Parameters<ChatCommands['markRead']>[0],
  ): Promise<unknown> {
    const ctx = { actor: cmd.actor, correlationId: cmd.correlationId ?? randomUUID() };
    return this.commands.execute(new MarkReceipt(kind, cmd.conversationId, cmd.upToSeq, ctx));
  }
}

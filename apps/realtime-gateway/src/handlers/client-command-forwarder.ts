import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ChatCommands } from '../../../../libs/platform/src/chat-commands.port';
import { CHAT_COMMANDS, LOGGER } from '../../../../libs/platform/src/tokens';
import { Connection } from '../connection/connection';
import { Outbound } from '../connection/outbound';
import { ClientFrame } from '../protocol/frames';
import { toErrorBody } from './error-frames';

type SendFrame = Extract<ClientFrame, { type: 'send' }>;
type WatermarkFrame = Extract<ClientFrame, { type: 'delivered' | 'read' }>;

/**
 * Forwards a socket's client commands (send / delivered / read frames) to the command side
 * (CHAT_COMMANDS: in process, or the command-api over HTTP). An ack is sent only after the command side
 * reports the message durable; a retry with the same clientMessageId gets the same ack
 * (the command side is idempotent on it). Refusals become error frames; the socket stays.
 */
@Injectable()
export class ClientCommandForwarder {
  constructor(
    @Inject(CHAT_COMMANDS) private readonly commands: ChatCommands,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly outbound: Outbound,
  ) {}

  async send(conn: Connection, f: SendFrame): Promise<void> {
    try {
      const { messageId, seq } = await this.commands.sendMessage({
        actor: conn.userId,
        conversationId: f.conversationId,
        clientMessageId: f.clientMessageId,
        body: f.body,
        ...(f.attachments ? { attachments: f.attachments } : {}),
      });
      this.outbound.send(conn, {
        type: 'ack',
        conversationId: f.conversationId,
        clientMessageId: f.clientMessageId,
        messageId,
        seq,
      });
    } catch (err) {
      this.fail(conn, err, f.clientMessageId);
    }
  }

  async watermark(conn: Connection, f: WatermarkFrame): Promise<void> {
    const cmd = { actor: conn.userId, conversationId: f.conversationId, upToSeq: f.upToSeq };
    try {
      await (f.type === 'read' ? this.commands.markRead(cmd) : this.commands.markDelivered(cmd));
    } catch (err) {
      this.fail(conn, err, f.conversationId);
    }
  }

  private fail(conn: Connection, err: unknown, ref: string): void {
    const body = toErrorBody(err);
    if (!body.expected) this.logger.error({ err, userId: conn.userId }, 'ws command failed');
    this.outbound.error(conn, body.code, body.message, ref);
  }
}

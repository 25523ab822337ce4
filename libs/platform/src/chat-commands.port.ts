import { Attachment } from '../../domain/src';

/**
 * The command side as other apps see it. Embedded: in-process through the CommandBus.
 * Production: the command API over HTTP with keep-alive. Refusals reject with AppError
 * (code = the domain error code), and nothing was written.
 */
export interface ChatCommands {
  sendMessage(cmd: {
    actor: string;
    conversationId: string;
    clientMessageId: string;
    body: string;
    attachments?: Attachment[];
    correlationId?: string;
  }): Promise<{ messageId: string; seq: number }>;
  markDelivered(cmd: {
    actor: string;
    conversationId: string;
    upToSeq: number;
    correlationId?: string;
  }): Promise<void>;
  markRead(cmd: {
    actor: string;
    conversationId: string;
    upToSeq: number;
    correlationId?: string;
  }): Promise<void>;
}

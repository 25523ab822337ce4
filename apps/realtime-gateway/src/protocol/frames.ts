import { Attachment } from '../../../../libs/domain/src';

/** Frames a client may send (JSON text frames, validated by frame-validator.ts). */
export type ClientFrame =
  | {
      type: 'send';
      conversationId: string;
      clientMessageId: string;
      body: string;
      attachments?: Attachment[];
    }
  | { type: 'delivered'; conversationId: string; upToSeq: number }
  | { type: 'read'; conversationId: string; upToSeq: number }
  | { type: 'typing'; conversationId: string }
  | { type: 'sync'; cursors: Record<string, number> }
  | { type: 'ping' };

export type ClientFrameType = ClientFrame['type'];

/** Frames the server sends. Shapes are documented in docs/asyncapi.yaml. */
export type ServerFrame =
  | { type: 'ack'; conversationId: string; clientMessageId: string; messageId: string; seq: number }
  | {
      type: 'message';
      conversationId: string;
      seq: number;
      messageId: string;
      clientMessageId: string;
      senderId: string;
      body: string;
      attachments: Attachment[];
      sentAt: string;
    }
  | {
      type: 'receipt';
      conversationId: string;
      userId: string;
      deliveredSeq: number;
      readSeq: number;
    }
  | {
      type: 'conversation';
      conversationId: string;
      members: string[];
      added: string[];
      removed: string[];
    }
  | { type: 'presence'; userId: string; online: boolean; lastSeenAt: string }
  | { type: 'typing'; conversationId: string; userId: string }
  | { type: 'synced'; conversationId: string; lastSeq: number }
  | { type: 'error'; code: string; message: string; ref?: string }
  | { type: 'pong' };

/** Error codes of the `error` frame (besides the domain codes, e.g. not_a_member, invalid_body). */
export const ErrorCode = {
  invalidJson: 'invalid_json',
  invalidFrame: 'invalid_frame',
  unknownType: 'unknown_type',
  rateLimited: 'rate_limited',
  notAMember: 'not_a_member',
  syncInProgress: 'sync_in_progress',
  internal: 'internal',
} as const;

/**
 * Close codes the server uses. 1009 is sent by `ws` itself when a frame exceeds maxPayload.
 * A heartbeat expiry terminates the TCP connection without a close frame (client sees 1006).
 */
export const CloseCode = {
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  tryAgainLater: 1013,
} as const;

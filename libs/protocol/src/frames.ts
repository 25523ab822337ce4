import type { Attachment } from '../../domain/src/conversation/events';
import type { TimelineMessage } from '../../domain/src/projection/read-model-ops';

/**
 * The WebSocket wire contract (JSON text frames on /v1/ws), shared by the gateway and the client
 * SDK so the two cannot drift. Types only: it bundles for the browser with nothing else.
 * Documented in docs/asyncapi.yaml.
 */
export type { Attachment };

/** A message as pushed live and replayed by sync: exactly the timeline read model's row. */
export type ChatMessage = TimelineMessage;

export interface Ack {
  conversationId: string;
  clientMessageId: string;
  messageId: string;
  seq: number;
}

export interface Receipt {
  conversationId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

export interface Presence {
  userId: string;
  online: boolean;
  lastSeenAt: string;
}

export interface Typing {
  conversationId: string;
  userId: string;
}

export interface Synced {
  conversationId: string;
  lastSeq: number;
}

export interface MembershipChange {
  conversationId: string;
  members: string[];
  added: string[];
  removed: string[];
}

export interface ServerError {
  code: string;
  message: string;
  ref?: string;
}

/** Frames a client may send. */
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

/** Frames the server sends. */
export type ServerFrame =
  | ({ type: 'ack' } & Ack)
  | ({ type: 'message' } & ChatMessage)
  | ({ type: 'receipt' } & Receipt)
  | ({ type: 'conversation' } & MembershipChange)
  | ({ type: 'presence' } & Presence)
  | ({ type: 'typing' } & Typing)
  | ({ type: 'synced' } & Synced)
  | ({ type: 'error' } & ServerError)
  | { type: 'pong' };

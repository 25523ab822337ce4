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
  /** The refused frame's clientMessageId (send), else its conversationId, when it has one. */
  ref?: string;
  /**
   * `rate_limited` only: the frame was not processed; send nothing on this socket for this
   * long, then send it again (a send with the same clientMessageId).
   */
  retryAfterMs?: number;
  /** `rate_limited` only: the `type` of the refused frame, when it could be read. */
  frameType?: string;
}

/**
 * Inbound frame budget of one connection, a token bucket: `burst` frames at once, refilled at
 * `framesPerSecond`. Every frame counts (send, delivered, read, typing, sync, ping). The user's
 * connections together share a second bucket (`userFramesPerSecond`, `userBurst`).
 */
export interface FrameLimits {
  framesPerSecond: number;
  burst: number;
  userFramesPerSecond: number;
  userBurst: number;
  /**
   * The close rule: after a `rate_limited` answer the server sends a WebSocket ping; frames
   * that arrive after the pong to it and before the wait has ended are counted, and more than
   * this many close the socket with 1008 (frames already in flight are not counted).
   */
  maxFramesWhileWaiting: number;
}

/** The first frame on every socket: the limits that apply to it and the liveness timing. */
export interface Welcome {
  limits: FrameLimits;
  heartbeat: {
    /** The server pings (WebSocket ping) a socket silent for this long; clients may `ping` as often. */
    intervalMs: number;
    /** A socket with no sign of life (any frame, pong or ping) for this long is terminated. */
    timeoutMs: number;
  };
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
  | ({ type: 'welcome' } & Welcome)
  | ({ type: 'ack' } & Ack)
  | ({ type: 'message' } & ChatMessage)
  | ({ type: 'receipt' } & Receipt)
  | ({ type: 'conversation' } & MembershipChange)
  | ({ type: 'presence' } & Presence)
  | ({ type: 'typing' } & Typing)
  | ({ type: 'synced' } & Synced)
  | ({ type: 'error' } & ServerError)
  | { type: 'pong' };

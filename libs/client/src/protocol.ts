/**
 * The public wire contract as the client sees it (see docs/client-sdk.md). Kept free of
 * server imports so the SDK bundles for the browser on its own.
 */

export type ConversationKind = 'direct' | 'group';

export interface Attachment {
  mediaId: string;
  contentType: string;
  size: number;
  name?: string;
}

export interface ChatMessage {
  conversationId: string;
  seq: number;
  messageId: string;
  clientMessageId?: string;
  senderId: string;
  body: string;
  attachments?: Attachment[];
  sentAt: string;
}

export interface InboxEntry {
  conversationId: string;
  kind: ConversationKind;
  title?: string;
  members: string[];
  lastSeq: number;
  lastMessage?: ChatMessage | null;
  deliveredSeq: number;
  readSeq: number;
  unreadCount: number;
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
  lastSeenAt?: string;
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

export interface Ack {
  clientMessageId: string;
  messageId: string;
  seq: number;
}

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

export type ServerFrame =
  | ({ type: 'ack' } & Ack)
  | ({ type: 'message' } & ChatMessage)
  | ({ type: 'receipt' } & Receipt)
  | ({ type: 'presence' } & Presence)
  | ({ type: 'typing' } & Typing)
  | ({ type: 'synced' } & Synced)
  | ({ type: 'conversation' } & MembershipChange)
  | ({ type: 'error' } & ServerError)
  | { type: 'pong' };

/** Parses one text frame; returns undefined for anything that is not a typed JSON object. */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  try {
    const value = JSON.parse(typeof data === 'string' ? data : String(data));
    return value && typeof value === 'object' && typeof value.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

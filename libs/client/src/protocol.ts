/**
 * The public wire contract as the client sees it (see docs/client-sdk.md). Kept free of
 * server imports so the SDK bundles for the browser on its own.
 */

export type ConversationKind = 'direct' | 'group';

import type { ChatMessage } from '../../protocol/src/frames';

export type {
  Ack,
  Attachment,
  ChatMessage,
  ClientFrame,
  MembershipChange,
  Presence,
  Receipt,
  ServerError,
  ServerFrame,
  Synced,
  Typing,
} from '../../protocol/src/frames';
import type { ServerFrame } from '../../protocol/src/frames';

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

/** Parses one text frame; returns undefined for anything that is not a typed JSON object. */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  try {
    const value = JSON.parse(typeof data === 'string' ? data : String(data));
    return value && typeof value === 'object' && typeof value.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The public wire contract as the client sees it (see docs/client-sdk.md). Kept free of
 * server imports so the SDK bundles for the browser on its own.
 */

export type ConversationKind = 'direct' | 'group';

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
  FrameLimits,
  Welcome,
} from '../../protocol/src/frames';
import type { ServerFrame } from '../../protocol/src/frames';

/** An inbox row of GET /v1/me/conversations: exactly the read model's entry. */
export type { InboxEntry } from '../../read-models/src/read-model-store.port';

/** Parses one text frame; returns undefined for anything that is not a typed JSON object. */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  try {
    const value = JSON.parse(typeof data === 'string' ? data : String(data));
    return value && typeof value === 'object' && typeof value.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

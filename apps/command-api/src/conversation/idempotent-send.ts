import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from a key (SHA-256, version nibble 8 = custom, RFC 9562): the same key
 * always gives the same id, and stores that require UUID event ids (EventStoreDB) accept it.
 */
export function uuidFromKey(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The event id of the MessageSent a (conversation, sender, clientMessageId) send produces.
 * The event store stores an id at most once, forever, so a retry (whenever it comes, to
 * whichever command-api process) cannot store a second message: it finds the original by id.
 * The parts are NUL-separated; only the last may contain NUL (conversation and user ids cannot),
 * so the key is unambiguous.
 */
export const sentEventId = (
  conversationId: string,
  senderId: string,
  clientMessageId: string,
): string =>
  uuidFromKey(`MessageSent\u0000${conversationId}\u0000${senderId}\u0000${clientMessageId}`);

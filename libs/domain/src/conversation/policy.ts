/** Limits the decider enforces; configurable per deployment. */
export interface ConversationPolicy {
  /** Maximum members of a group conversation (direct is always exactly 2). */
  maxGroupSize: number;
  /** Maximum message body length, in UTF-16 code units (JS string length). */
  maxBodyLength: number;
  /** Maximum attachments per message. */
  maxAttachments: number;
}

export const defaultPolicy: ConversationPolicy = {
  maxGroupSize: 100,
  maxBodyLength: 100_000,
  maxAttachments: 10,
};

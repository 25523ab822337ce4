import { Event } from '../common/event';

export type ConversationKind = 'direct' | 'group';

/** A reference to an uploaded attachment (the media itself lives in the media store). */
export interface Attachment {
  mediaId: string;
  contentType: string;
  size: number;
  name?: string;
}

export type ConversationStarted = Event<
  'ConversationStarted',
  {
    conversationId: string;
    kind: ConversationKind;
    /** Distinct user ids, including the starter. */
    members: string[];
    title?: string;
    startedBy: string;
    startedAt: string;
  }
>;

export type MembersAdded = Event<
  'MembersAdded',
  { conversationId: string; members: string[]; addedBy: string; addedAt: string }
>;

export type MembersRemoved = Event<
  'MembersRemoved',
  { conversationId: string; members: string[]; removedBy: string; removedAt: string }
>;

export type MessageSent = Event<
  'MessageSent',
  {
    conversationId: string;
    messageId: string;
    clientMessageId: string;
    senderId: string;
    /** Dense per conversation: 1, 2, 3… Clients order and resume by it. */
    seq: number;
    body: string;
    attachments: Attachment[];
    sentAt: string;
  }
>;

/** Watermark: `userId` has received every message with seq ≤ upToSeq. */
export type MessageDelivered = Event<
  'MessageDelivered',
  { conversationId: string; userId: string; upToSeq: number; deliveredAt: string }
>;

/** Watermark: `userId` has read every message with seq ≤ upToSeq (implies delivered). */
export type MessageRead = Event<
  'MessageRead',
  { conversationId: string; userId: string; upToSeq: number; readAt: string }
>;

export type ConversationEvent =
  | ConversationStarted
  | MembersAdded
  | MembersRemoved
  | MessageSent
  | MessageDelivered
  | MessageRead;

export type ConversationEventType = ConversationEvent['type'];

/** Current schema version of each event type (bump on change, never rename a type). */
export const SCHEMA_VERSION: Record<ConversationEventType, number> = {
  ConversationStarted: 1,
  MembersAdded: 1,
  MembersRemoved: 1,
  MessageSent: 1,
  MessageDelivered: 1,
  MessageRead: 1,
};

export const conversationStreamId = (conversationId: string): string =>
  `conversation-${conversationId}`;

import { TimelineMessage } from './read-model-ops';

/**
 * What the projector publishes after the read models have applied an event (Kafka topic
 * in production, in-process in embedded mode). At-least-once; ordered per conversation.
 * `recipients` are the conversation's members when the update was produced, so a consumer
 * can route it without a lookup. `position` is the event's global position (opaque: its string
 * order is log order).
 */
export type ProjectionUpdate =
  | { type: 'message'; position: string; recipients: string[]; message: TimelineMessage }
  | {
      type: 'receipt';
      position: string;
      recipients: string[];
      conversationId: string;
      userId: string;
      deliveredSeq: number;
      readSeq: number;
    }
  | {
      type: 'membership';
      position: string;
      /** Current members plus the removed ones, so both hear about the change. */
      recipients: string[];
      conversationId: string;
      members: string[];
      added: string[];
      removed: string[];
    };

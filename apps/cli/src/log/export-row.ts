import { RecordedEvent } from '../../../../libs/event-store/src/event-store.port';

/**
 * One exported event (a line of `chat events export`, a row of the Parquet file): the event's
 * id, type, global position, stream and revision, the time it was accepted, who wrote it, its
 * data, and its whole metadata (with correlation, causation and the hash chain).
 */
export interface ExportRow {
  id: string;
  type: string;
  position: string;
  stream: string;
  revision: number;
  time: string;
  actor: string;
  data: object;
  metadata: object;
}

export function exportRow(event: RecordedEvent): ExportRow {
  return {
    id: event.metadata.eventId,
    type: event.type,
    position: event.position,
    stream: event.streamId,
    revision: event.revision,
    time: event.metadata.timestamp,
    actor: event.metadata.actor,
    data: event.data,
    metadata: event.metadata,
  };
}

const CONVERSATION_STREAM = 'conversation-';

/** The conversation an event belongs to: its data's conversationId, else its stream's id. */
export function conversationOf(event: RecordedEvent): string | null {
  const id = (event.data as { conversationId?: unknown }).conversationId;
  if (typeof id === 'string') return id;
  return event.streamId.startsWith(CONVERSATION_STREAM)
    ? event.streamId.slice(CONVERSATION_STREAM.length)
    : null;
}

import { ChainedMetadata } from '../../../../libs/domain/src';
import { RecordedEvent } from '../../../../libs/event-store/src/event-store.port';

/** An event as the audit API shows it: everything stored, nothing derived. */
export interface AuditEvent {
  streamId: string;
  revision: number;
  /** The store's global position (opaque; string order is log order). */
  position: string;
  type: string;
  data: object;
  /** actor, timestamp, eventId, correlationId, causationId, schemaVersion, prevHash, hash. */
  metadata: ChainedMetadata;
}

export const auditEvent = (event: RecordedEvent): AuditEvent => ({
  streamId: event.streamId,
  revision: event.revision,
  position: event.position,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
});

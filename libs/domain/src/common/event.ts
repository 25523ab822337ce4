/**
 * Events are plain data: a past-tense `type` that never changes once stored, and `data`.
 * Stored events are never rewritten (the hash chain covers them). Each one records the
 * `SCHEMA_VERSION` of its type when it was written (`metadata.schemaVersion`), but nothing reads
 * that back and there are no upcasters: `evolve`, `project` and the tools read every stored
 * event's `data` in the current shape, whatever its version. So a change to an event's data must
 * leave old events readable as they are (e.g. a new optional field) and bump its version; a
 * change old events cannot meet needs a new event type, or an upcaster written with it.
 */
export interface Event<Type extends string, Data extends object> {
  readonly type: Type;
  readonly data: Data;
}

/** Metadata every stored event carries (set by the command side, never by `decide`). */
export interface EventMetadata {
  /**
   * Stored at most once, forever: appending the very same event again (same id and hash, same
   * place) is a no-op retry; any other event under a stored id is refused (DuplicateEventIdError).
   * A send's MessageSent has an id derived from its idempotency key (docs/architecture.md ADR-20).
   */
  eventId: string;
  schemaVersion: number;
  /** The request (HTTP or WebSocket frame) that started the chain of work. */
  correlationId: string;
  /**
   * Id of the command that wrote this event: a fresh UUID per command (commands carry no id of
   * their own), the same on every event it appended. Only commands write events here.
   */
  causationId: string;
  /** Authenticated user (or system principal) on whose behalf it was written. */
  actor: string;
  /** ISO-8601 UTC time the command was accepted. */
  timestamp: string;
}

/** Tamper evidence added by the event store at append time: a hash chain per stream. */
export interface ChainedMetadata extends EventMetadata {
  /** `hash` of the previous event of the same stream; 64 zeros for the first. */
  prevHash: string;
  /** sha256 over canonical JSON of {streamId, revision, type, data, metadata without hash}. */
  hash: string;
}

/**
 * An event id that is already stored somewhere other than where an idempotent retry of the
 * same append would find it (another stream, another revision, or a partially matching batch).
 */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly eventId: string,
    readonly streamId: string,
  ) {
    super(`event id ${eventId} is already stored (stream ${streamId}) outside an idempotent retry`);
    this.name = 'DuplicateEventIdError';
  }
}

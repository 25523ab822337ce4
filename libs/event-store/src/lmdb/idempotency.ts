import { DuplicateEventIdError } from '../duplicate-event-id.error';
import { ExpectedRevision, NewEvent } from '../event-store.port';
import { EventLocation } from './lmdb-layout';

/** Where an event id lives, including appends reserved but not yet durable (`durable` set). */
export type Locate = (
  eventId: string,
) => (EventLocation & { durable?: Promise<unknown> }) | undefined;

export interface RetryMatch {
  nextExpectedRevision: number;
  position: number;
  /** Resolves when the original append is durable (already, for stored events). */
  durable: Promise<unknown>;
}

/**
 * EventStoreDB semantics: an append is an idempotent retry when its events are already stored,
 * in the same order, exactly where this append would write them (right after `expected`, or
 * anywhere in the stream for 'any'). Returns undefined when the first event id is unknown or
 * stored elsewhere in the same stream (the caller's revision check then decides). Unlike
 * EventStoreDB, the events must be the very same (same hashes): another event under a stored
 * id is refused, or a writer whose decision lost a race would take the winner's append as its
 * own and chain its next events from a hash the log does not hold.
 */
export function matchRetry(
  locate: Locate,
  streamId: string,
  events: NewEvent[],
  expected: ExpectedRevision,
  first = locate(events[0].metadata.eventId),
): RetryMatch | undefined {
  if (!first) return undefined;
  if (first.streamId !== streamId)
    throw new DuplicateEventIdError(events[0].metadata.eventId, first.streamId);
  const from = expected === 'any' ? first.revision : expected === 'no_stream' ? 0 : expected + 1;
  if (first.revision !== from) return undefined;
  if (first.hash !== events[0].metadata.hash)
    throw new DuplicateEventIdError(events[0].metadata.eventId, streamId);
  let last = first;
  for (let i = 1; i < events.length; i++) {
    const found = locate(events[i].metadata.eventId);
    const same = found?.hash === events[i].metadata.hash;
    if (!found || !same || found.streamId !== streamId || found.revision !== from + i) {
      throw new DuplicateEventIdError(events[0].metadata.eventId, streamId);
    }
    last = found;
  }
  return {
    nextExpectedRevision: last.revision,
    position: last.position,
    durable: last.durable ?? Promise.resolve(),
  };
}

/**
 * Rejects a batch that repeats an id, or reuses one already stored (or reserved). `first` is
 * the caller's lookup of the first id, not repeated here.
 */
export function assertIdsUnused(
  locate: Locate,
  events: NewEvent[],
  first: EventLocation | undefined,
): void {
  const firstId = events[0].metadata.eventId;
  if (first) throw new DuplicateEventIdError(firstId, first.streamId);
  if (events.length === 1) return;
  const seen = new Set<string>([firstId]);
  for (let i = 1; i < events.length; i++) {
    const { eventId } = events[i].metadata;
    const found = seen.has(eventId) ? { streamId: '(same batch)' } : locate(eventId);
    if (found) throw new DuplicateEventIdError(eventId, found.streamId);
    seen.add(eventId);
  }
}

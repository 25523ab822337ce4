import {
  ANY,
  ErrorType,
  eventTypeFilter,
  NO_STREAM,
  streamNameFilter,
  WrongExpectedVersionError,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Filter,
  type Position as EsdbPosition,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { ChainedMetadata } from '../../../domain/src';
import { matchesFilter } from '../event-filter';
import {
  EventFilter,
  ExpectedRevision,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { encodePosition, isReportedPosition } from './esdb-position';

/**
 * Prefix of the snapshot streams (EventStoreDbSnapshotStore). Their events are a cache, not
 * part of the log: readAll and subscribeToAll never deliver them.
 */
export const SNAPSHOT_STREAM_PREFIX = 'snapshot-';

/** The port's expected revision as the client's (`bigint | 'no_stream' | 'any'`). */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`expected revision must be a non-negative integer: ${expected}`);
  }
  return BigInt(expected);
}

/** A stream revision (bigint in the client) as a number, refusing what a number cannot hold. */
export function toRevision(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`stream revision out of range: ${revision}`);
  }
  return Number(revision);
}

/** True for the client's WrongExpectedVersionError (also across duplicate copies of the module). */
export function isWrongExpectedVersion(err: unknown): err is WrongExpectedVersionError {
  return (
    err instanceof WrongExpectedVersionError ||
    (typeof err === 'object' &&
      err !== null &&
      (err as { type?: unknown }).type === ErrorType.WRONG_EXPECTED_VERSION)
  );
}

/** True for the client's StreamNotFoundError (a read of a stream that does not exist). */
export function isStreamNotFound(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { type?: unknown }).type === ErrorType.STREAM_NOT_FOUND
  );
}

/** The client's "current revision" of a conflict (bigint, 'no_stream', -1 or absent) for the port. */
export function toActualRevision(current: unknown): number | 'no_stream' | 'unknown' {
  if (current === NO_STREAM) return 'no_stream';
  if (typeof current === 'bigint') return current < 0n ? 'no_stream' : toRevision(current);
  return 'unknown';
}

/** The client's WrongExpectedVersionError as the port's WrongExpectedRevisionError. */
export function toWrongExpectedRevision(
  err: WrongExpectedVersionError,
  streamId: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError {
  return new WrongExpectedRevisionError(streamId, expected, toActualRevision(err.actualVersion));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when an event's metadata has the shape this application writes (sealed into a chain). */
export function isSealedMetadata(metadata: unknown): metadata is ChainedMetadata {
  return (
    isObject(metadata) &&
    typeof metadata.eventId === 'string' &&
    typeof metadata.hash === 'string' &&
    typeof metadata.prevHash === 'string'
  );
}

/**
 * A recorded EventStoreDB event as the port's RecordedEvent: data and metadata are the JSON
 * the writer appended (metadata includes the writer's prevHash/hash), the revision a number and
 * the `$all` position the opaque string. Throws on what this application cannot have written
 * (binary content, metadata without a chain, no position), rather than passing it on.
 */
export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  const where = `${event.streamId}@${event.revision}`;
  if (!event.isJson || !isObject(event.data)) {
    throw new TypeError(`EventStoreDB event ${where} is not a JSON object event`);
  }
  if (!isSealedMetadata(event.metadata)) {
    throw new TypeError(
      `EventStoreDB event ${where} has no sealed metadata (eventId, prevHash, hash)`,
    );
  }
  if (!isReportedPosition(event.position)) {
    throw new Error(
      `EventStoreDB did not report the $all position of ${where} ` +
        '(stream reads carry it from server 22.6 on, for events not written in explicit transactions)',
    );
  }
  return {
    streamId: event.streamId,
    revision: toRevision(event.revision),
    position: encodePosition(event.position),
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  };
}

/** Streams and event types EventStoreDB keeps for itself start with '$'. */
export const isSystemEvent = (event: { streamId: string; type: string }): boolean =>
  event.streamId.startsWith('$') || event.type.startsWith('$');

/**
 * Whether a `$all` event reaches readers of the log: not a system event, not a snapshot, written
 * by this application (JSON with sealed metadata; a shared server may hold other writers'
 * events), and passing the caller's filter.
 */
export function isDeliverable(
  event: EsdbRecordedEvent,
  filter: EventFilter | undefined,
  snapshotPrefix = SNAPSHOT_STREAM_PREFIX,
): boolean {
  if (isSystemEvent(event) || event.streamId.startsWith(snapshotPrefix)) return false;
  if (!event.isJson || !isObject(event.data) || !isSealedMetadata(event.metadata)) return false;
  return matchesFilter(filter, event.streamId, event.type);
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The server-side part of a subscription's filter. EventStoreDB takes one filter, on stream
 * names or on event types (prefixes or a regex), so the port's filter maps to the most
 * selective one the server can apply and the rest is checked on arrival (isDeliverable):
 * - stream prefixes → `streamNameFilter({ prefixes })`;
 * - event types only → `eventTypeFilter({ regex: '^(?:A|B)$' })` (exact types, not prefixes);
 * - no filter → `streamNameFilter({ regex })` excluding system (`$`) and snapshot streams.
 * Every variant reports `checkpointReached`, so a quiet filter still shows progress.
 */
export function serverFilter(
  filter: EventFilter | undefined,
  checkpointReached: (subscription: AllStreamSubscription, position: EsdbPosition) => void,
  snapshotPrefix = SNAPSHOT_STREAM_PREFIX,
): Filter {
  if (filter?.streamPrefixes && filter.streamPrefixes.length > 0) {
    return streamNameFilter({ prefixes: [...filter.streamPrefixes], checkpointReached });
  }
  if (filter?.eventTypes && filter.eventTypes.length > 0) {
    const regex = `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$`;
    return eventTypeFilter({ regex, checkpointReached });
  }
  const regex = `^(?!\\$|${escapeRegex(snapshotPrefix)})`;
  return streamNameFilter({ regex, checkpointReached });
}

import { ChainedMetadata } from '../../../domain/src';
import { withoutHash } from '../canonical-form';
import { DuplicateEventIdError } from '../duplicate-event-id.error';
import { NewEvent, RecordedEvent } from '../event-store.port';
import { padU64, Position, START } from '../position';

/** Columns every event read selects, in `toRecorded`'s shape. */
export const EVENT_COLUMNS = 'global_position, stream_id, revision, type, data, metadata, hash';

export interface EventRow {
  /** int8 arrives as a decimal string. */
  global_position: string;
  stream_id: string;
  revision: string;
  type: string;
  /** json columns arrive parsed. */
  data: object;
  metadata: Omit<ChainedMetadata, 'hash'>;
  hash: string;
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: padU64(row.global_position),
    type: row.type,
    data: row.data,
    metadata: { ...row.metadata, hash: row.hash },
  };
}

/** The position string of a global position (dense int8, starting at 1). */
export const toPosition = (globalPosition: string | number | bigint): Position =>
  padU64(globalPosition);

const ENCODED = /^\d{20}$/;

/** The int8 (as a decimal string) a position stands for; START is 0, before everything. */
export function fromPosition(position: Position | undefined): string {
  if (position === undefined || position === START) return '0';
  if (!ENCODED.test(position)) {
    throw new TypeError(`not a position of this event store: ${JSON.stringify(position)}`);
  }
  return BigInt(position).toString();
}

/** An event in the form append_batch takes, encoded (and validated) before it is queued. */
export interface EncodedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
  hash: string;
}

/**
 * Encodes one append's events, or throws for this append alone (so a bad append never fails a
 * whole batch in the database): ids must be distinct and every text well-formed, since
 * PostgreSQL text cannot hold NUL and UTF-8 cannot hold a lone surrogate.
 */
export function encodeEvents(streamId: string, events: NewEvent[]): EncodedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new TypeError('append needs at least one event');
  }
  assertText('stream id', streamId);
  const seen = new Set<string>();
  return events.map(({ type, data, metadata }) => {
    const id = metadata?.eventId;
    assertText('event id', id);
    assertText('event type', type);
    if (typeof metadata.hash !== 'string' || typeof metadata.prevHash !== 'string') {
      throw new TypeError(`event ${id} is not sealed (metadata.prevHash/hash, see sealEvents)`);
    }
    if (seen.has(id)) throw new DuplicateEventIdError(id, '(same append)');
    seen.add(id);
    const dataJson = JSON.stringify(data);
    if (typeof dataJson !== 'string' || typeof data !== 'object' || data === null) {
      throw new TypeError(`event ${id}: data must be a JSON object`);
    }
    return {
      id,
      type,
      data: dataJson,
      metadata: JSON.stringify(withoutHash(metadata)),
      hash: metadata.hash,
    };
  });
}

/** NUL, or a lone surrogate (in unicode mode a paired surrogate is one code point, not Cs). */
const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** False for a text PostgreSQL cannot hold as given (so no stored stream or id can equal it). */
export const storable = (text: string): boolean => !UNSTORABLE.test(text);

function assertText(what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${what} must be a non-empty string`);
  }
  if (UNSTORABLE.test(value)) {
    throw new TypeError(`${what} ${JSON.stringify(value)} holds a NUL or a lone surrogate`);
  }
}

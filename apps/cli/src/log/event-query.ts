import { conversationStreamId } from '../../../../libs/domain/src/conversation/events';
import {
  EventFilter,
  Position,
  RecordedEvent,
} from '../../../../libs/event-store/src/event-store.port';
import { UsageError } from '../cli-error';

/**
 * Which events a command reads, from its filter options. Pure: parsing and matching only.
 *
 * - streams: exact stream ids (`--stream`, and `--conversation <id>` as `conversation-<id>`);
 * - types, actors: exact values, any of them (each option repeatable);
 * - from/to: metadata.timestamp in [from, to) (epoch ms);
 * - after/until: global position in (after, until].
 * An empty list or an absent bound does not filter.
 */
export interface EventQuery {
  streams: string[];
  types: string[];
  actors: string[];
  from?: number;
  to?: number;
  after?: Position;
  until?: Position;
}

/** The filter options as commander hands them over. */
export interface FilterOptions {
  stream?: string[];
  conversation?: string[];
  type?: string[];
  actor?: string[];
  from?: string;
  to?: string;
  after?: string;
  until?: string;
}

export const NO_QUERY: EventQuery = { streams: [], types: [], actors: [] };

/** Builds the query; `parsePosition` is the store's (positions are adapter-specific). */
export function parseEventQuery(
  options: FilterOptions,
  parsePosition: (text: string) => Position,
): EventQuery {
  const streams = unique([
    ...(options.stream ?? []),
    ...(options.conversation ?? []).map((id) => conversationStreamId(id)),
  ]);
  const query: EventQuery = {
    streams,
    types: unique(options.type ?? []),
    actors: unique(options.actor ?? []),
  };
  if (options.from !== undefined) query.from = parseTime(options.from, '--from');
  if (options.to !== undefined) query.to = parseTime(options.to, '--to');
  if (options.after !== undefined) query.after = parsePosition(options.after);
  if (options.until !== undefined) query.until = parsePosition(options.until);
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to)
    throw new UsageError('--from must be before --to');
  if (query.after !== undefined && query.until !== undefined && query.after >= query.until)
    throw new UsageError('--after must be before --until');
  return query;
}

const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 date or time, in epoch ms. A date alone is midnight UTC; a time without an
 * offset is UTC too (the log's timestamps are UTC), so the same text means the same instant
 * on every machine.
 */
export function parseTime(text: string, name: string): number {
  const trimmed = text.trim();
  if (!ISO_TIME.test(trimmed))
    throw new UsageError(
      `${name}: ${JSON.stringify(text)} is not an ISO 8601 time (e.g. 2025-01-31 or 2025-01-31T12:00:00Z)`,
    );
  let normalized = trimmed.replace(' ', 'T');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(normalized)) normalized += 'Z';
  const ms = Date.parse(normalized);
  if (Number.isNaN(ms))
    throw new UsageError(`${name}: ${JSON.stringify(text)} is not a valid time`);
  return ms;
}

/** What the store can filter on its side (a superset of the query: the rest is matched here). */
export function storeFilter(query: EventQuery): EventFilter | undefined {
  const filter: EventFilter = {};
  if (query.streams.length > 0) filter.streamPrefixes = [...query.streams];
  if (query.types.length > 0) filter.eventTypes = [...query.types];
  return filter.streamPrefixes || filter.eventTypes ? filter : undefined;
}

/** True when the event passes every condition of the query. */
export function matchesQuery(query: EventQuery, event: RecordedEvent): boolean {
  if (query.after !== undefined && event.position <= query.after) return false;
  if (query.until !== undefined && event.position > query.until) return false;
  if (query.streams.length > 0 && !query.streams.includes(event.streamId)) return false;
  if (query.types.length > 0 && !query.types.includes(event.type)) return false;
  if (query.actors.length > 0 && !query.actors.includes(event.metadata.actor)) return false;
  if (query.from !== undefined || query.to !== undefined) {
    const time = Date.parse(event.metadata.timestamp);
    if (Number.isNaN(time)) return false;
    if (query.from !== undefined && time < query.from) return false;
    if (query.to !== undefined && time >= query.to) return false;
  }
  return true;
}

/** True when the query selects every event (an audit pass must not be filtered). */
export const isEverything = (query: EventQuery): boolean =>
  query.streams.length === 0 &&
  query.types.length === 0 &&
  query.actors.length === 0 &&
  query.from === undefined &&
  query.to === undefined &&
  query.after === undefined &&
  query.until === undefined;

const unique = (values: string[]): string[] => [...new Set(values)];

import type { Pool } from 'pg';
import { EventFilter, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../event-store.port';
import { Position } from '../position';
import {
  EVENT_COLUMNS,
  EventRow,
  fromPosition,
  storable,
  toPosition,
  toRecorded,
} from './event-rows';
import { SchemaNames } from './schema-names';

/** A page of the global log, and how far it looked (for filtered subscriptions). */
export interface LogPage {
  events: RecordedEvent[];
  /**
   * Every stored event up to here was considered: the last event's position for a full page,
   * else the log's head when the page was read. A filtered reader resumes after it, instead of
   * scanning the non-matching tail again.
   */
  scannedTo: Position;
}

/** The read side: plain SELECTs on the pool (each its own snapshot; see append_batch). */
export class EventQueries {
  private readonly events: string;

  constructor(
    private readonly pool: Pool,
    names: SchemaNames,
  ) {
    this.events = names.q('events');
  }

  async readStream(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    const maxCount = pageSize(options?.maxCount);
    if (maxCount === 0 || !storable(streamId)) return [];
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision;
    if (from !== undefined && !(Number.isSafeInteger(from) && from >= 0)) {
      throw new TypeError(`fromRevision must be a non-negative integer, got ${from}`);
    }
    const bound = from === undefined ? '' : backwards ? 'AND revision <= $3' : 'AND revision >= $3';
    const sql =
      `SELECT ${EVENT_COLUMNS} FROM ${this.events} WHERE stream_id = $1 ${bound} ` +
      `ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $2`;
    const params = from === undefined ? [streamId, maxCount] : [streamId, maxCount, from];
    const { rows } = await this.pool.query<EventRow>(sql, params);
    return rows.map(toRecorded);
  }

  async readEvent(eventId: string): Promise<RecordedEvent | undefined> {
    if (!storable(eventId)) return undefined;
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.events} WHERE event_id = $1`,
      [eventId],
    );
    return rows[0] && toRecorded(rows[0]);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const maxCount = pageSize(options?.maxCount);
    if (maxCount === 0) return [];
    const params: unknown[] = [fromPosition(options.after), maxCount];
    const where = filterSql(options.filter, params);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.events} WHERE global_position > $1 ${where} ` +
        `ORDER BY global_position LIMIT $2`,
      params,
    );
    return rows.map(toRecorded);
  }

  /**
   * A page after `after`, with the head of the log in the same snapshot. Without a filter the
   * head is not needed (the last event is as far as anything was scanned), so plain readAll.
   */
  async readPage(after: Position, maxCount: number, filter?: EventFilter): Promise<LogPage> {
    if (pageSize(maxCount) === 0) return { events: [], scannedTo: after };
    if (!filter || (!filter.streamPrefixes && !filter.eventTypes)) {
      const events = await this.readAll({ after, maxCount });
      return { events, scannedTo: events.length > 0 ? events[events.length - 1].position : after };
    }
    const params: unknown[] = [fromPosition(after), maxCount];
    const where = filterSql(filter, params);
    const { rows } = await this.pool.query<EventRow & { head: string | null }>(
      `SELECT h.head, e.* FROM (SELECT max(global_position) AS head FROM ${this.events}) h
       LEFT JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM ${this.events}
         WHERE global_position > $1 AND global_position <= h.head ${where}
         ORDER BY global_position LIMIT $2) e ON true`,
      params,
    );
    const events = rows.filter((r) => r.global_position !== null).map(toRecorded);
    const head = rows[0]?.head;
    const scannedTo =
      events.length === maxCount
        ? events[events.length - 1].position
        : head !== null && head !== undefined && BigInt(head) > BigInt(fromPosition(after))
          ? toPosition(head)
          : after;
    return { events, scannedTo };
  }
}

/** `AND …` clauses for a filter, its values appended to `params` (undefined: no condition). */
function filterSql(filter: EventFilter | undefined, params: unknown[]): string {
  let sql = '';
  if (filter?.streamPrefixes) {
    params.push(filter.streamPrefixes.map((p) => `${escapeLike(p)}%`));
    sql += ` AND stream_id LIKE ANY ($${params.length}::text[])`;
  }
  if (filter?.eventTypes) {
    params.push(filter.eventTypes);
    sql += ` AND type = ANY ($${params.length}::text[])`;
  }
  return sql;
}

const escapeLike = (prefix: string): string => prefix.replace(/[\\%_]/g, (c) => `\\${c}`);

function pageSize(maxCount: unknown): number {
  if (typeof maxCount !== 'number' || !Number.isSafeInteger(maxCount) || maxCount < 0) {
    throw new TypeError(`maxCount must be a non-negative integer (a page size), got ${maxCount}`);
  }
  return maxCount;
}

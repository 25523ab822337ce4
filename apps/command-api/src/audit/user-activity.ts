import { LogSegment, LogTimeIndex } from '../../../../libs/audit/src/log-time-index';
import {
  EventStore,
  Position,
  RecordedEvent,
  START,
} from '../../../../libs/event-store/src/event-store.port';
import { AppError } from '../../../../libs/platform/src/app-error';
import { AuditEvent, auditEvent } from './audit-event';

/**
 * GET /v1/audit/users/:id/activity?from=&to=: the events whose actor is the user with
 * from ≤ metadata.timestamp < to, in log order, paged by position.
 *
 * The event store has no index by actor or by time (readAll filters by stream prefix and type
 * only), so this scans the log. Where it scans: the stretches of the log the audit tree's
 * LogTimeIndex says may hold events of the window (blocks whose timestamps meet it), plus the
 * events the index has not seen yet. Once the audit tree has caught up that is O(events in the
 * window + two blocks) events read (a block is ~n / 8192 events); before (just after a start), it
 * is the log from the cursor on, O(n). Each request reads at most `scanBudget` events: a page
 * can hold fewer than `limit` events with `next` set; follow `next` until it is null.
 */
export interface ActivityQuery {
  userId: string;
  fromMs: number;
  toMs: number;
  /** Exclusive cursor: a position from a previous page's `next`. */
  after?: Position;
  limit: number;
}

export interface ActivityPage {
  events: AuditEvent[];
  /** Pass as `after` for the next page; null when the window has been read to its end. */
  next: Position | null;
  /** Events read for this page (the cost). */
  scanned: number;
}

export interface ActivityOptions {
  /** Most events read per request. */
  scanBudget: number;
  /** Events per readAll. Default 500. */
  pageSize?: number;
}

export const DEFAULT_SCAN_BUDGET = 20_000;

const badCursor = (after: string): AppError =>
  new AppError(
    'invalid_request',
    `query.after: ${JSON.stringify(after)} is not a position of this log`,
    400,
  );

export async function userActivity(
  store: EventStore,
  index: LogTimeIndex | undefined,
  query: ActivityQuery,
  options: ActivityOptions,
): Promise<ActivityPage> {
  const { userId, fromMs, toMs, limit } = query;
  const cursorAtStart = query.after ?? START;
  const segments: LogSegment[] = index
    ? index.segments(fromMs, toMs, cursorAtStart)
    : [{ after: cursorAtStart }];
  const pageSize = options.pageSize ?? 500;
  const events: RecordedEvent[] = [];
  let scanned = 0;
  for (const segment of segments) {
    let cursor = segment.after;
    for (;;) {
      if (scanned >= options.scanBudget) return page(events, cursor, scanned);
      const want = Math.min(pageSize, options.scanBudget - scanned);
      const read = await readAll(store, cursor, want, query.after);
      let left = false;
      for (const event of read) {
        if (segment.through !== undefined && event.position > segment.through) {
          left = true;
          break;
        }
        scanned++;
        cursor = event.position;
        if (matches(event, userId, fromMs, toMs)) {
          events.push(event);
          if (events.length >= limit) return page(events, cursor, scanned);
        }
      }
      if (left || read.length < want) break;
    }
  }
  return page(events, null, scanned);
}

const page = (events: RecordedEvent[], next: Position | null, scanned: number): ActivityPage => ({
  events: events.map(auditEvent),
  next,
  scanned,
});

function matches(event: RecordedEvent, userId: string, fromMs: number, toMs: number): boolean {
  if (event.metadata.actor !== userId) return false;
  const at = Date.parse(event.metadata.timestamp);
  return at >= fromMs && at < toMs;
}

/** readAll; a client's cursor the store cannot read is the client's error (400), not ours. */
async function readAll(
  store: EventStore,
  after: Position,
  maxCount: number,
  clientCursor: Position | undefined,
): Promise<RecordedEvent[]> {
  try {
    return await store.readAll({ after, maxCount });
  } catch (err) {
    if (clientCursor !== undefined && (err instanceof TypeError || err instanceof RangeError))
      throw badCursor(clientCursor);
    throw err;
  }
}

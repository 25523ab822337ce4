import { Position, RecordedEvent, START } from '../../../../libs/event-store/src/event-store.port';
import { OpenedStore } from '../store/open-store';
import { EventQuery, matchesQuery, NO_QUERY, storeFilter } from './event-query';

/**
 * Reading the log page by page, never holding more than one page: every command's one pass.
 *
 * - The whole log, or a filtered part: `readAll` from the query's `after` with the filter the
 *   store can apply (stream prefixes, types); the rest of the query is matched here.
 * - One stream (`--stream`/`--conversation` naming exactly one): `readStream` page by page,
 *   which the stores serve from their stream index instead of scanning the log.
 *
 * The pass stops at the log's head as it was when the pass started (when the store can tell,
 * see OpenedStore.head) or at the query's `until`, whichever comes first: a running server
 * keeps appending, and the pass reads a fixed prefix of the log instead of chasing its end.
 */

export interface LogPage {
  /** The page's events that match the query, in log order. */
  events: RecordedEvent[];
  /** Progress units done so far (see OpenedStore.progressOf; revisions for one stream). */
  progress: number;
}

export interface LogScan {
  /** Progress units of the whole pass, when known (for a bar with an ETA). */
  total?: number;
  /** Where the pass stops (inclusive), when bounded. */
  bound?: Position;
  pages: AsyncGenerator<LogPage>;
}

export interface ScanOptions {
  /** Events per read. Default 1,000. */
  pageSize?: number;
}

export async function scanLog(
  opened: OpenedStore,
  query: EventQuery = NO_QUERY,
  options: ScanOptions = {},
): Promise<LogScan> {
  const pageSize = options.pageSize ?? 1_000;
  if (query.streams.length === 1) return scanStream(opened, query, query.streams[0], pageSize);
  const head = await opened.head();
  const bound = minPosition(query.until, head);
  const start = opened.progressOf(query.after ?? START);
  const total = bound === undefined ? undefined : Math.max(0, opened.progressOf(bound) - start);
  return { total, bound, pages: readAllPages(opened, query, pageSize, bound, start) };
}

async function* readAllPages(
  opened: OpenedStore,
  query: EventQuery,
  pageSize: number,
  bound: Position | undefined,
  start: number,
): AsyncGenerator<LogPage> {
  const filter = storeFilter(query);
  let after = query.after ?? START;
  if (bound !== undefined && after >= bound) return;
  for (;;) {
    const page = await opened.store.readAll({ after, maxCount: pageSize, filter });
    if (page.length === 0) return;
    const inBound = bound === undefined ? page : page.filter((e) => e.position <= bound);
    after = page[page.length - 1].position;
    const events = inBound.filter((event) => matchesQuery(query, event));
    const reached = inBound.length < page.length ? (bound as Position) : after;
    yield { events, progress: opened.progressOf(reached) - start };
    if (inBound.length < page.length || (bound !== undefined && after >= bound)) return;
  }
}

async function scanStream(
  opened: OpenedStore,
  query: EventQuery,
  streamId: string,
  pageSize: number,
): Promise<LogScan> {
  const [last] = await opened.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  const length = last ? last.revision + 1 : 0;
  const bound = minPosition(query.until, last?.position);
  async function* pages(): AsyncGenerator<LogPage> {
    for (let from = 0; from < length;) {
      const page = await opened.store.readStream(streamId, {
        fromRevision: from,
        maxCount: Math.min(pageSize, length - from),
      });
      if (page.length === 0) return;
      from = page[page.length - 1].revision + 1;
      const beyond = bound !== undefined && page[page.length - 1].position > bound;
      yield {
        events: page.filter((event) => matchesQuery(query, event)),
        progress: beyond ? length : from,
      };
      if (beyond) return;
    }
  }
  return { total: length, bound, pages: pages() };
}

function minPosition(a: Position | undefined, b: Position | undefined): Position | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

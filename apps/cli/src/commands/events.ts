import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../cli-error';
import type { DuckDbOptions, DuckSession, Column } from '../duckdb/events-table';
import { toJsonValue } from '../duckdb/json-values';
import { EventQuery, FilterOptions, parseEventQuery } from '../log/event-query';
import { exportRow } from '../log/export-row';
import { LogStats, StatsReport } from '../log/log-stats';
import { scanLog } from '../log/log-scan';
import { startProgress } from '../output/progress';
import { renderTable } from '../output/table';
import { fileWriter, Writer } from '../output/writer';
import { OpenedStore } from '../store/open-store';
import { CommonOptions, io, json, withStore } from './context';

type Filtered = CommonOptions & FilterOptions;

/** DuckDB (a native library) loads only for the commands that use it. */
const duckdb = () => import('../duckdb/events-table');

export interface ExportOptions extends Filtered, DuckDbOptions {
  format: 'ndjson' | 'parquet';
  out?: string;
}

/**
 * `chat events export`: the (filtered) log as NDJSON on stdout or in a file, or as a Parquet
 * file. One page in memory at a time; Parquet goes through a temporary DuckDB database on disk
 * (events-table.ts), so it is bounded by DuckDB's memory_limit, not by the log.
 */
export async function exportEvents(options: ExportOptions): Promise<void> {
  if (options.format !== 'ndjson' && options.format !== 'parquet')
    throw new UsageError(`--format must be ndjson or parquet, not ${options.format}`);
  if (options.format === 'parquet' && !options.out)
    throw new UsageError('--format parquet needs --out FILE');
  if (options.out && !existsSync(dirname(resolve(options.out))))
    throw new UsageError(`--out: no directory ${dirname(resolve(options.out))}`);
  await withStore(options, async (opened) => {
    const query = parseEventQuery(options, opened.parsePosition);
    const started = Date.now();
    const count =
      options.format === 'parquet'
        ? await exportParquet(opened, query, options, options.out as string)
        : await exportNdjson(opened, query, options);
    if (options.out) {
      const bytes = statSync(options.out).size;
      io.err(
        `exported ${count} events to ${options.out} (${formatBytes(bytes)}) in ${seconds(started)}`,
      );
    }
  });
}

async function exportNdjson(
  opened: OpenedStore,
  query: EventQuery,
  options: ExportOptions,
): Promise<number> {
  const writer: Writer = options.out ? fileWriter(options.out) : io.out();
  const scan = await scanLog(opened, query, { pageSize: options.pageSize });
  const progress = startProgress({ label: 'export', total: scan.total, force: options.progress });
  let count = 0;
  try {
    for await (const page of scan.pages) {
      let text = '';
      for (const event of page.events) text += JSON.stringify(exportRow(event)) + '\n';
      await writer.write(text);
      count += page.events.length;
      progress.update(page.progress, count);
      if (writer.closed) break;
    }
  } finally {
    progress.stop();
  }
  await writer.end();
  return count;
}

async function exportParquet(
  opened: OpenedStore,
  query: EventQuery,
  options: ExportOptions,
  out: string,
): Promise<number> {
  const { openDuckDb, EXPORT_COLUMNS, quoteLiteral } = await duckdb();
  const session = await openDuckDb(options);
  const partial = `${out}.partial-${process.pid}`;
  try {
    const count = await loadIntoDuckDb(opened, query, options, session.connection, 'events', {
      columns: EXPORT_COLUMNS,
      label: 'export',
    });
    await session.connection.run(
      `COPY events TO ${quoteLiteral(partial)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`,
    );
    renameSync(partial, out);
    return count;
  } finally {
    rmSync(partial, { force: true });
    session.close();
  }
}

/** Streams the (filtered) log into a new DuckDB table, page by page through an appender. */
async function loadIntoDuckDb(
  opened: OpenedStore,
  query: EventQuery,
  options: CommonOptions,
  connection: DuckSession['connection'],
  table: string,
  { columns, label }: { columns: readonly Column[]; label: string },
): Promise<number> {
  const { createTable, EventAppender } = await duckdb();
  await createTable(connection, table, columns);
  const appender = await EventAppender.open(connection, table, columns);
  const scan = await scanLog(opened, query, { pageSize: options.pageSize });
  const progress = startProgress({ label, total: scan.total, force: options.progress });
  try {
    for await (const page of scan.pages) {
      appender.append(page.events);
      appender.flush();
      progress.update(page.progress, appender.count);
    }
  } finally {
    progress.stop();
    appender.close();
  }
  return appender.count;
}

export interface QueryOptions extends Filtered, DuckDbOptions {
  json?: boolean;
  maxRows: number;
}

/**
 * `chat events query "<SQL>"`: loads the (filtered) log into the DuckDB table `events`
 * (QUERY_COLUMNS), runs the SQL (several statements: the last one's rows are printed), and
 * prints the rows as a JSON array (--json, streamed chunk by chunk) or as an aligned table.
 */
export async function queryEvents(sql: string, options: QueryOptions): Promise<void> {
  if (!sql.trim()) throw new UsageError('the SQL is empty');
  await withStore(options, async (opened) => {
    const query = parseEventQuery(options, opened.parsePosition);
    const { openDuckDb, QUERY_COLUMNS } = await duckdb();
    const session = await openDuckDb(options);
    try {
      const { connection } = session;
      await loadIntoDuckDb(opened, query, options, connection, 'events', {
        columns: QUERY_COLUMNS,
        label: 'load',
      });
      const statements = await connection.extractStatements(sql);
      if (statements.count === 0) throw new UsageError('no SQL statement');
      for (let i = 0; i < statements.count - 1; i++) await (await statements.prepare(i)).run();
      const result = await (await statements.prepare(statements.count - 1)).stream();
      const columns = result.columnNames();
      const types = result.columnTypes().map((t) => t.alias ?? t.toString());
      const writer = io.out();
      if (options.json) {
        let first = true;
        await writer.write('[');
        for await (const rows of result.yieldRowsJs()) {
          let text = '';
          for (const row of rows) {
            const object: Record<string, unknown> = {};
            columns.forEach((c, i) => (object[c] = toJsonValue(row[i], types[i])));
            text += (first ? '\n  ' : ',\n  ') + JSON.stringify(object);
            first = false;
          }
          await writer.write(text);
          if (writer.closed) break;
        }
        await writer.write(first ? ']\n' : '\n]\n');
      } else {
        const shown: unknown[][] = [];
        let total = 0;
        for await (const rows of result.yieldRowsJs()) {
          for (const row of rows) {
            total++;
            if (shown.length < options.maxRows)
              shown.push(row.map((v, i) => displayValue(toJsonValue(v, types[i]))));
          }
        }
        await writer.write(renderTable(columns, shown));
        const more = total > shown.length ? `, ${shown.length} shown (--max-rows)` : '';
        io.err(`(${total} row${total === 1 ? '' : 's'}${more})`);
      }
      await writer.end();
    } finally {
      session.close();
    }
  });
}

/** JSON values (from toJsonValue) shown in a table: objects as compact JSON. */
const displayValue = (value: unknown): unknown =>
  value !== null && typeof value === 'object' ? JSON.stringify(value) : value;

export interface StatsOptions extends Filtered {
  json?: boolean;
  top: number;
}

/** `chat events stats`: counts by type, by day, and the busiest conversations, in one pass. */
export async function eventStats(options: StatsOptions): Promise<void> {
  await withStore(options, async (opened) => {
    const query = parseEventQuery(options, opened.parsePosition);
    const scan = await scanLog(opened, query, { pageSize: options.pageSize });
    const progress = startProgress({ label: 'stats', total: scan.total, force: options.progress });
    const stats = new LogStats();
    let count = 0;
    try {
      for await (const page of scan.pages) {
        for (const event of page.events) stats.add(event);
        count += page.events.length;
        progress.update(page.progress, count);
      }
    } finally {
      progress.stop();
    }
    const report = stats.report(options.top);
    const writer = io.out();
    await writer.write(options.json ? json(report) : renderStats(report));
    await writer.end();
  });
}

export function renderStats(report: StatsReport): string {
  const summary = renderTable(
    ['', ''],
    [
      ['events', report.events],
      ['conversations', report.conversations],
      ['actors', report.actors],
      ['first event', report.firstTime],
      ['last event', report.lastTime],
      [
        'positions',
        report.firstPosition ? `${report.firstPosition} .. ${report.lastPosition}` : null,
      ],
    ],
  )
    .split('\n')
    .slice(2)
    .join('\n');
  return [
    summary,
    'By type',
    renderTable(
      ['type', 'events'],
      report.byType.map((t) => [t.type, t.events]),
    ),
    'By day (UTC)',
    renderTable(
      ['day', 'events', 'messages'],
      report.byDay.map((d) => [d.day, d.events, d.messages]),
    ),
    `Top ${report.topConversations.length} conversations`,
    renderTable(
      ['conversation', 'events', 'messages'],
      report.topConversations.map((c) => [c.conversation, c.events, c.messages]),
    ),
  ].join('\n');
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

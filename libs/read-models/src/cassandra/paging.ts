import { Client, types } from 'cassandra-driver';

export interface PageOptions {
  fetchSize: number;
  consistency: types.consistencies;
}

/**
 * Reads every row of a query page by page (fetchSize rows per request), following the paging
 * state until the server returns none. A short or even empty page is NOT the end: a result whose
 * size is a multiple of fetchSize ends with an empty page that still carries a paging state, and
 * ScyllaDB returns short pages whenever it likes. `onRows` returns false to stop early (the caller
 * has all it needs; the rest is not fetched).
 */
export async function forEachPage(
  client: Client,
  query: string,
  params: unknown[],
  options: PageOptions,
  onRows: (rows: types.Row[]) => boolean | void,
): Promise<void> {
  let pageState: string | undefined;
  do {
    const result = await client.execute(query, params, {
      prepare: true,
      fetchSize: options.fetchSize,
      consistency: options.consistency,
      ...(pageState !== undefined ? { pageState } : {}),
    });
    if (onRows(result.rows) === false) return;
    pageState = result.pageState ?? undefined;
  } while (pageState);
}

/** Every row of a query (all pages). */
export async function allRows(
  client: Client,
  query: string,
  params: unknown[],
  options: PageOptions,
): Promise<types.Row[]> {
  const rows: types.Row[] = [];
  await forEachPage(client, query, params, options, (page) => {
    rows.push(...page);
  });
  return rows;
}

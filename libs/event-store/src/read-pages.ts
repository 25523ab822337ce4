import { EventStore, RecordedEvent } from './event-store.port';

/**
 * Every event of one stream, forwards, read page by page. For tools and tests that need a whole
 * (bounded) stream; the command side never calls it (it loads from a snapshot, see
 * apps/command-api/src/conversation/stream-loader.ts).
 */
export async function readWholeStream(
  store: EventStore,
  streamId: string,
  pageSize = 1000,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const page of streamPages(store, streamId, 0, pageSize)) events.push(...page);
  return events;
}

/** Pages of a stream forwards from `fromRevision`, until its end. */
export async function* streamPages(
  store: EventStore,
  streamId: string,
  fromRevision: number,
  pageSize: number,
): AsyncGenerator<RecordedEvent[]> {
  for (let from = fromRevision; ;) {
    const page = await store.readStream(streamId, { fromRevision: from, maxCount: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    from = page[page.length - 1].revision + 1;
  }
}

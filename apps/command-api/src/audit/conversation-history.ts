import { ChainAnchor, verifyChainSegment } from '../../../../libs/audit/src/chain-segment';
import { conversationStreamId } from '../../../../libs/domain/src';
import { EventStore, RecordedEvent } from '../../../../libs/event-store/src/event-store.port';
import { AppError } from '../../../../libs/platform/src/app-error';
import { AuditEvent, auditEvent } from './audit-event';

/**
 * GET /v1/audit/conversations/:id: a conversation's complete history, one page at a time, with
 * the hash-chain verdict of the page.
 *
 * Cost per page: one readStream of limit + 2 events (the event before the page, the page, one
 * more to know whether there is a next page), i.e. O(limit), whatever the stream's length; the
 * chain check is one SHA-256 per event. A whole stream of s events takes s / limit requests.
 *
 * The verdict: a page from revision 0 is verifyChain from genesis; a later page is anchored to
 * the stored hash of the event just before it (verifyChainSegment). Following `next` to the end
 * with every page ok is verifyChain over the whole stream; `wholeStream` says when one page was
 * all of it.
 */
export interface HistoryQuery {
  fromRevision: number;
  limit: number;
}

export interface ChainReport {
  ok: boolean;
  /** On failure: the first revision at fault and why. */
  revision?: number;
  reason?: string;
  /** The revisions the verdict covers (null for an empty page). */
  checked: { fromRevision: number; throughRevision: number } | null;
  /** The stored event the page was chained onto; null: genesis (revision 0). */
  anchoredTo: ChainAnchor | null;
  /** True when this page is the whole stream (from revision 0, no next page). */
  wholeStream: boolean;
}

export interface HistoryPage {
  conversationId: string;
  streamId: string;
  fromRevision: number;
  events: AuditEvent[];
  /** The fromRevision of the next page; null at the stream's end. */
  next: number | null;
  chain: ChainReport;
}

export const conversationNotFound = (id: string): AppError =>
  new AppError('conversation_not_found', `Conversation ${id} not found`, 404);

export async function conversationHistory(
  store: EventStore,
  conversationId: string,
  { fromRevision, limit }: HistoryQuery,
): Promise<HistoryPage> {
  const streamId = conversationStreamId(conversationId);
  const first = fromRevision > 0 ? fromRevision - 1 : 0;
  const read = await store.readStream(streamId, {
    fromRevision: first,
    maxCount: limit + 1 + (fromRevision - first),
  });
  if (read.length === 0 && !(await streamExists(store, streamId)))
    throw conversationNotFound(conversationId);
  const before = fromRevision > 0 ? read.find((e) => e.revision === fromRevision - 1) : undefined;
  const after = read.filter((e) => e.revision >= fromRevision);
  const page = after.slice(0, limit);
  const more = after.length > limit;
  const anchor: ChainAnchor | undefined = before && {
    revision: before.revision,
    hash: before.metadata.hash,
  };
  return {
    conversationId,
    streamId,
    fromRevision,
    events: page.map(auditEvent),
    next: more ? page[page.length - 1].revision + 1 : null,
    chain: chainReport(streamId, fromRevision, page, anchor, !more),
  };
}

function chainReport(
  streamId: string,
  fromRevision: number,
  page: RecordedEvent[],
  anchor: ChainAnchor | undefined,
  last: boolean,
): ChainReport {
  const checked =
    page.length > 0
      ? { fromRevision: page[0].revision, throughRevision: page[page.length - 1].revision }
      : null;
  const common = { checked, anchoredTo: anchor ?? null, wholeStream: fromRevision === 0 && last };
  if (fromRevision > 0 && !anchor && page.length > 0)
    return {
      ok: false,
      revision: fromRevision - 1,
      reason: 'the event before this page is missing',
      ...common,
    };
  const verdict = verifyChainSegment(page, { streamId, anchor });
  return verdict.ok
    ? { ok: true, ...common }
    : { ok: false, revision: verdict.revision, reason: verdict.reason, ...common };
}

/** One backwards read of one event. */
export async function lastEventOf(
  store: EventStore,
  streamId: string,
): Promise<RecordedEvent | undefined> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  return last;
}

const streamExists = async (store: EventStore, streamId: string): Promise<boolean> =>
  (await lastEventOf(store, streamId)) !== undefined;

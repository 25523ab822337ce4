import { conversationStreamId } from '../../../../libs/domain/src';
import { EventStore, RecordedEvent } from '../../../../libs/event-store/src/event-store.port';
import { AppError } from '../../../../libs/platform/src/app-error';
import { AuditEvent, auditEvent } from './audit-event';
import { conversationNotFound, lastEventOf } from './conversation-history';

/**
 * GET /v1/audit/conversations/:id/messages/:seq: one message's lifecycle from the conversation's
 * stream alone: its MessageSent (who sent what, when), then per user the first event that marks
 * it delivered and the first that marks it read (receipts are watermarks: MessageDelivered /
 * MessageRead with upToSeq ≥ seq; a read also implies delivered).
 *
 * Cost, for a stream of R events and a group of M members:
 * 1. Finding the message: a binary search over revisions (the message with seq s is at revision
 *    ≥ s, and MessageSent seqs rise with revision). Each probe reads forwards from its revision to
 *    the next MessageSent; between two messages there are at most 2·M receipts (watermarks only
 *    rise, and none passes the last seq) plus membership changes, so a probe reads O(M) events
 *    and the search O(log R · M). Not O(R): a scan from revision s would read every receipt
 *    before the message.
 * 2. The receipts: the stream forwards from the message until every recipient has read it, the
 *    stream ends, or `scanLimit` events were read (then `scan.stoppedBecause` is "scan_limit"
 *    and later receipts are not reported). O(events until the last recipient reads it).
 * Plus one read of revision 0 (the starting members) and one of the stream's last event.
 *
 * Who is listed: the members the conversation started with, and everyone whose receipts cover
 * the message in the scanned range, except the sender. A member added later who has not marked
 * the message within the scan is not listed: knowing the exact members at the message would take
 * the stream from revision 0 (GET /v1/audit/conversations/{id} pages it).
 */

export interface ReceiptMark {
  type: 'MessageDelivered' | 'MessageRead';
  eventId: string;
  revision: number;
  position: string;
  upToSeq: number;
  /** deliveredAt / readAt of the event. */
  at: string;
}

export interface RecipientReceipts {
  userId: string;
  /** The first event that marks the message delivered (a MessageRead implies it); null: none seen. */
  delivered: ReceiptMark | null;
  /** The first MessageRead with upToSeq ≥ seq; null: none seen. */
  read: ReceiptMark | null;
}

export type ScanStop = 'all_read' | 'end_of_stream' | 'scan_limit';

export interface MessageLifecycle {
  conversationId: string;
  seq: number;
  sentBy: string;
  sentAt: string;
  /** The MessageSent event itself (data: messageId, clientMessageId, body, attachments, …). */
  message: AuditEvent;
  receipts: RecipientReceipts[];
  scan: {
    /** The receipts were looked for in revisions fromRevision..throughRevision. */
    fromRevision: number;
    throughRevision: number;
    stoppedBecause: ScanStop;
    /** Events read in all (search + scan), for the cost. */
    eventsRead: number;
  };
}

export interface LifecycleOptions {
  /** Most events read after the message looking for receipts. */
  scanLimit: number;
  /** Events per read. Default 500 (probes read 64). */
  pageSize?: number;
}

export const DEFAULT_SCAN_LIMIT = 50_000;
const PROBE_PAGE = 64;

/** Reads of one stream, counted. */
export class StreamReader {
  eventsRead = 0;
  constructor(
    private readonly store: EventStore,
    readonly streamId: string,
  ) {}

  async forwards(fromRevision: number, maxCount: number): Promise<RecordedEvent[]> {
    const page = await this.store.readStream(this.streamId, { fromRevision, maxCount });
    this.eventsRead += page.length;
    return page;
  }
}

const messageNotFound = (conversationId: string, seq: number): AppError =>
  new AppError('message_not_found', `Conversation ${conversationId} has no message ${seq}`, 404);

const seqOf = (event: RecordedEvent): number | undefined =>
  event.type === 'MessageSent' ? (event.data as { seq?: number }).seq : undefined;

/**
 * The first MessageSent at a revision in [from, through], or undefined. Reads forwards in probe
 * pages (O(events between `from` and that message)).
 */
async function firstMessageIn(
  reader: StreamReader,
  from: number,
  through: number,
): Promise<RecordedEvent | undefined> {
  for (let next = from; next <= through;) {
    const page = await reader.forwards(next, Math.min(PROBE_PAGE, through - next + 1));
    for (const event of page) {
      if (event.revision > through) return undefined;
      if (seqOf(event) !== undefined) return event;
    }
    if (page.length === 0) return undefined;
    next = page[page.length - 1].revision + 1;
  }
  return undefined;
}

/** The MessageSent with this seq, by binary search over revisions [seq, lastRevision]. */
export async function locateMessage(
  reader: StreamReader,
  seq: number,
  lastRevision: number,
): Promise<RecordedEvent | undefined> {
  let lo = seq;
  let hi = lastRevision;
  while (lo <= hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    // The first message at or after mid: none of [mid, found) is a message.
    const found = await firstMessageIn(reader, mid, hi);
    const foundSeq = found === undefined ? Infinity : (seqOf(found) as number);
    if (foundSeq > seq) hi = mid - 1;
    else if (foundSeq < seq) lo = (found as RecordedEvent).revision + 1;
    else return found;
  }
  return undefined;
}

export async function messageLifecycle(
  store: EventStore,
  conversationId: string,
  seq: number,
  options: LifecycleOptions,
): Promise<MessageLifecycle> {
  const reader = new StreamReader(store, conversationStreamId(conversationId));
  const last = await lastEventOf(store, reader.streamId);
  if (!last) throw conversationNotFound(conversationId);
  const message = await locateMessage(reader, seq, last.revision);
  if (!message) throw messageNotFound(conversationId, seq);
  const sent = message.data as { senderId: string; sentAt: string };

  const receipts = new Map<string, RecipientReceipts>();
  const recipient = (userId: string): RecipientReceipts | undefined => {
    if (userId === sent.senderId) return undefined;
    let entry = receipts.get(userId);
    if (!entry) receipts.set(userId, (entry = { userId, delivered: null, read: null }));
    return entry;
  };
  const [start] = await reader.forwards(0, 1);
  if (start?.type === 'ConversationStarted')
    for (const member of (start.data as { members?: string[] }).members ?? []) recipient(member);
  let unread = receipts.size;

  const pageSize = options.pageSize ?? 500;
  let through = message.revision;
  let scanned = 0;
  let stoppedBecause: ScanStop = 'end_of_stream';
  const allRead = () => unread === 0 && receipts.size > 0;
  scan: for (let next = message.revision + 1; ;) {
    if (allRead()) {
      stoppedBecause = 'all_read';
      break;
    }
    if (scanned >= options.scanLimit) {
      stoppedBecause = 'scan_limit';
      break;
    }
    const want = Math.min(pageSize, options.scanLimit - scanned);
    const page = await reader.forwards(next, want);
    for (const event of page) {
      scanned++;
      through = event.revision;
      const mark = receiptMark(event, seq);
      if (!mark) continue;
      const userId = (event.data as { userId: string }).userId;
      const known = receipts.has(userId);
      const entry = recipient(userId);
      if (!entry) continue;
      if (!known) unread++;
      if (!entry.delivered) entry.delivered = mark;
      if (mark.type === 'MessageRead' && !entry.read) {
        entry.read = mark;
        unread--;
        if (allRead()) {
          stoppedBecause = 'all_read';
          break scan;
        }
      }
    }
    if (page.length < want) break; // the stream's end
    next = page[page.length - 1].revision + 1;
  }

  return {
    conversationId,
    seq,
    sentBy: sent.senderId,
    sentAt: sent.sentAt,
    message: auditEvent(message),
    receipts: [...receipts.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1)),
    scan: {
      fromRevision: message.revision,
      throughRevision: through,
      stoppedBecause,
      eventsRead: reader.eventsRead,
    },
  };
}

function receiptMark(event: RecordedEvent, seq: number): ReceiptMark | undefined {
  if (event.type !== 'MessageDelivered' && event.type !== 'MessageRead') return undefined;
  const data = event.data as { upToSeq?: number; deliveredAt?: string; readAt?: string };
  if (typeof data.upToSeq !== 'number' || data.upToSeq < seq) return undefined;
  return {
    type: event.type,
    eventId: event.metadata.eventId,
    revision: event.revision,
    position: event.position,
    upToSeq: data.upToSeq,
    at: (event.type === 'MessageRead' ? data.readAt : data.deliveredAt) ?? event.metadata.timestamp,
  };
}

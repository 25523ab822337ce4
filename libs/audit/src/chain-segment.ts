import { RecordedEvent } from '../../event-store/src/event-store.port';
import {
  canonicalForm,
  ChainVerdict,
  hashOfCanonical,
  verifyChain,
} from '../../event-store/src/hash-chain';

/**
 * The per-stream hash chain (ADR-4) checked one page at a time, so that a stream of a million
 * events can be verified in bounded requests.
 *
 * A page starting at revision 0 is checked by `verifyChain` itself (from genesis). A later page is
 * anchored to the stored event just before it (`anchor`: its revision and `hash`): the page's
 * revisions must follow the anchor's, its first event must link to the anchor's hash, every next
 * event to its predecessor's, and every event's hash must match its content, exactly the checks
 * verifyChain makes. Checking every page of a stream in order, each anchored to the last event of
 * the page before, is therefore verifyChain over the whole stream: page k's anchor is an event
 * page k − 1 checked.
 *
 * What one anchored page alone does not show: that the anchor itself is intact (its own page says).
 */
export interface ChainAnchor {
  /** Revision of the stored event just before the page. */
  revision: number;
  /** That event's stored `hash` (the page's first prevHash must equal it). */
  hash: string;
}

export function verifyChainSegment(
  events: readonly RecordedEvent[],
  options: { streamId?: string; anchor?: ChainAnchor } = {},
): ChainVerdict {
  const { streamId, anchor } = options;
  const foreign = streamId === undefined ? undefined : events.find((e) => e.streamId !== streamId);
  if (foreign) return { ok: false, revision: foreign.revision, reason: 'event of another stream' };
  if (!anchor) return verifyChain(events as RecordedEvent[]);
  let expectedPrev = anchor.hash;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const expected = anchor.revision + 1 + i;
    if (event.revision !== expected)
      return { ok: false, revision: event.revision, reason: `expected revision ${expected}` };
    if (i > 0 && event.streamId !== events[0].streamId)
      return { ok: false, revision: event.revision, reason: 'event of another stream' };
    if (event.metadata.prevHash !== expectedPrev)
      return {
        ok: false,
        revision: event.revision,
        reason: 'prevHash does not match the previous hash',
      };
    if (
      hashOfCanonical(canonicalForm(event.streamId, event.revision, event)) !== event.metadata.hash
    )
      return { ok: false, revision: event.revision, reason: 'hash does not match the content' };
    expectedPrev = event.metadata.hash;
  }
  return { ok: true };
}

import { randomUUID } from 'node:crypto';
import { ConversationEvent, conversationStreamId } from '../../../../libs/domain/src';
import { EventStore, NewEvent } from '../../../../libs/event-store/src/event-store.port';
import { GENESIS_HASH, sealEvents } from '../../../../libs/event-store/src/hash-chain';

/**
 * Builds conversation events as the command side would store them (specs only; sealed, but not
 * chained to their stream: the projector does not check chains).
 */
export function toNewEvent(
  event: ConversationEvent | { type: string; data: object },
  timestamp = new Date().toISOString(),
): NewEvent {
  const [sealed] = sealEvents('', 0, GENESIS_HASH, [unsealed(event, timestamp)]);
  return sealed;
}

function unsealed(event: { type: string; data: object }, timestamp: string) {
  return {
    type: event.type,
    data: event.data,
    metadata: {
      eventId: randomUUID(),
      schemaVersion: 1,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: 'spec',
      timestamp,
    },
  };
}

const at = '2025-01-01T00:00:00.000Z';

export const started = (
  conversationId: string,
  members: string[],
  title?: string,
): ConversationEvent => ({
  type: 'ConversationStarted',
  data: {
    conversationId,
    kind: 'group',
    members,
    ...(title ? { title } : {}),
    startedBy: members[0],
    startedAt: at,
  },
});
export const added = (conversationId: string, members: string[]): ConversationEvent => ({
  type: 'MembersAdded',
  data: { conversationId, members, addedBy: 'alice', addedAt: at },
});
export const removed = (conversationId: string, members: string[]): ConversationEvent => ({
  type: 'MembersRemoved',
  data: { conversationId, members, removedBy: 'alice', removedAt: at },
});
export const sent = (conversationId: string, seq: number, senderId: string): ConversationEvent => ({
  type: 'MessageSent',
  data: {
    conversationId,
    messageId: `${conversationId}-m${seq}`,
    clientMessageId: `${conversationId}-c${seq}`,
    senderId,
    seq,
    body: `message ${seq} from ${senderId}`,
    attachments: [],
    sentAt: new Date(Date.UTC(2025, 0, 1, 0, seq)).toISOString(),
  },
});
export const delivered = (
  conversationId: string,
  userId: string,
  upToSeq: number,
): ConversationEvent => ({
  type: 'MessageDelivered',
  data: { conversationId, userId, upToSeq, deliveredAt: at },
});
export const read = (
  conversationId: string,
  userId: string,
  upToSeq: number,
): ConversationEvent => ({
  type: 'MessageRead',
  data: { conversationId, userId, upToSeq, readAt: at },
});

/** Appends events to their conversation streams (one append per event); returns the last position. */
export async function appendAll(
  store: EventStore,
  events: (ConversationEvent | { type: string; data: { conversationId: string } })[],
): Promise<string> {
  let position = '';
  for (const event of events) {
    const result = await store.append(
      conversationStreamId(event.data.conversationId),
      [toNewEvent(event)],
      'any',
    );
    position = result.position;
  }
  return position;
}

/**
 * A deterministic history over three conversations: starts, sends, receipts (including a
 * late delivered after a read), membership changes, and a foreign event type.
 */
export function sampleHistory(rounds: number): ConversationEvent[][] {
  const users = ['alice', 'bob', 'carol', 'dave'];
  const history: ConversationEvent[][] = [
    [started('c1', ['alice', 'bob'], 'One'), started('c2', ['bob', 'carol']), started('c3', users)],
  ];
  const seqs: Record<string, number> = { c1: 0, c2: 0, c3: 0 };
  for (let round = 0; round < rounds; round++) {
    const batch: ConversationEvent[] = [];
    for (const cid of ['c1', 'c2', 'c3']) {
      const sender = cid === 'c2' ? 'carol' : users[round % 2];
      batch.push(sent(cid, ++seqs[cid], sender), sent(cid, ++seqs[cid], 'bob'));
      batch.push(read(cid, 'bob', seqs[cid]), delivered(cid, 'bob', seqs[cid] - 1));
    }
    if (round === 1) batch.push(added('c1', ['carol']), removed('c3', ['dave']));
    if (round === 2) batch.push(removed('c1', ['carol']), delivered('c3', 'alice', seqs.c3));
    history.push(batch);
  }
  return history;
}

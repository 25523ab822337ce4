import { ConversationKind } from './events';
import { ConversationState, Watermarks } from './state';

/** Bump when the snapshot's shape changes: snapshots of another version are ignored. */
export const CONVERSATION_SNAPSHOT_VERSION = 1;

/** The JSON form of an active conversation's state (Sets and Maps as arrays). */
export interface ConversationSnapshot {
  conversationId: string;
  kind: ConversationKind;
  title?: string;
  members: string[];
  lastSeq: number;
  receipts: [string, Watermarks][];
}

/** A copy: later `evolve` calls (which mutate collections) do not change it. */
export function toSnapshot(state: ConversationState): ConversationSnapshot | undefined {
  if (state.status !== 'active') return undefined;
  const { conversationId, kind, title, members, lastSeq, receipts } = state;
  return {
    conversationId,
    kind,
    ...(title !== undefined ? { title } : {}),
    members: [...members],
    lastSeq,
    receipts: [...receipts].map(([userId, marks]) => [userId, { ...marks }]),
  };
}

export function fromSnapshot(snapshot: ConversationSnapshot): ConversationState {
  const { conversationId, kind, title, members, lastSeq, receipts } = snapshot;
  return {
    status: 'active',
    conversationId,
    kind,
    ...(title !== undefined ? { title } : {}),
    members: new Set(members),
    lastSeq,
    receipts: new Map(receipts.map(([userId, marks]) => [userId, { ...marks }])),
  };
}

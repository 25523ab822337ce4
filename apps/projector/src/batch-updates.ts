import {
  ConversationEvent,
  ProjectionUpdate,
  ReadModelOp,
  SCHEMA_VERSION,
  project,
  toTimelineMessage,
} from '../../../libs/domain/src';
import { RecordedEvent } from '../../../libs/event-store/src/event-store.port';
import {
  NO_WATERMARKS,
  ReadModelStore,
  Watermarks,
  raiseWatermarks,
} from '../../../libs/read-models/src';

/** A stored event the projector understands, with what it needs besides the payload. */
export interface PositionedEvent {
  position: string;
  timestamp: string;
  event: ConversationEvent;
  /** What the event does to the read models (`project`), computed once per event. */
  ops: ReadModelOp[];
}

export function toPositioned(recorded: RecordedEvent): PositionedEvent | undefined {
  if (!Object.prototype.hasOwnProperty.call(SCHEMA_VERSION, recorded.type)) return undefined;
  const event = { type: recorded.type, data: recorded.data } as ConversationEvent;
  return {
    position: recorded.position,
    timestamp: recorded.metadata.timestamp,
    event,
    ops: project(event),
  };
}

/** Read-model state the batch's updates depend on, read BEFORE the batch is applied. */
export interface BatchSnapshot {
  members: Map<string, readonly string[]>;
  receipts: Map<string, Watermarks>;
}

const receiptKey = (conversationId: string, userId: string): string =>
  `${conversationId}\u0000${userId}`;

/** Where a snapshot gets a conversation's committed members (the store, or a ProjectorMemberCache). */
export interface MemberSource {
  get(conversationId: string): Promise<readonly string[]>;
}

const membersFromStore = (readModels: ReadModelStore): MemberSource => ({
  get: async (conversationId) => (await readModels.getConversation(conversationId))?.members ?? [],
});

export async function loadSnapshot(
  readModels: ReadModelStore,
  events: PositionedEvent[],
  members: MemberSource = membersFromStore(readModels),
): Promise<BatchSnapshot> {
  const snapshot: BatchSnapshot = { members: new Map(), receipts: new Map() };
  for (const { event } of events) {
    const { conversationId } = event.data;
    if (!snapshot.members.has(conversationId))
      snapshot.members.set(conversationId, await members.get(conversationId));
    if (event.type === 'MessageDelivered' || event.type === 'MessageRead') {
      const key = receiptKey(conversationId, event.data.userId);
      if (!snapshot.receipts.has(key))
        snapshot.receipts.set(key, await readModels.getReceipt(conversationId, event.data.userId));
    }
  }
  return snapshot;
}

/**
 * The updates of a batch, in event order, each with the recipients and effective
 * watermarks as of ITS event: the pre-batch snapshot is rolled forward with the event's own
 * ops (`project`) and the store's max rule, so a member added later in the batch does not
 * receive earlier messages, and a member removed later still does.
 */
export function buildUpdates(
  events: PositionedEvent[],
  snapshot: BatchSnapshot,
): ProjectionUpdate[] {
  const state: BatchState = {
    members: new Map([...snapshot.members].map(([id, list]) => [id, new Set(list)])),
    receipts: new Map(snapshot.receipts),
  };
  return events.map(({ position, event, ops }) => {
    for (const op of ops) rollForward(state, op);
    return updateFor(position, event, state);
  });
}

interface BatchState {
  members: Map<string, Set<string>>;
  /** Only the receipts some update reports on (loaded by loadSnapshot). */
  receipts: Map<string, Watermarks>;
}

function membersOf(state: BatchState, conversationId: string): Set<string> {
  let members = state.members.get(conversationId);
  if (!members) state.members.set(conversationId, (members = new Set()));
  return members;
}

function rollForward(state: BatchState, op: ReadModelOp): void {
  if (op.op === 'addMembers')
    for (const userId of op.userIds) membersOf(state, op.conversationId).add(userId);
  if (op.op === 'removeMembers')
    for (const userId of op.userIds) membersOf(state, op.conversationId).delete(userId);
  if (op.op === 'raiseReceipt') {
    const key = receiptKey(op.conversationId, op.userId);
    const current = state.receipts.get(key);
    if (current) state.receipts.set(key, raiseWatermarks(current, op));
  }
}

function updateFor(
  position: string,
  event: ConversationEvent,
  state: BatchState,
): ProjectionUpdate {
  const { conversationId } = event.data;
  const members = [...membersOf(state, conversationId)];
  switch (event.type) {
    case 'ConversationStarted':
    case 'MembersAdded':
      return {
        type: 'membership',
        position,
        recipients: members,
        conversationId,
        members,
        added: [...event.data.members],
        removed: [],
      };
    case 'MembersRemoved': {
      const recipients = [...new Set([...members, ...event.data.members])];
      return {
        type: 'membership',
        position,
        recipients,
        conversationId,
        members,
        added: [],
        removed: [...event.data.members],
      };
    }
    case 'MessageSent':
      return { type: 'message', position, recipients: members, message: toTimelineMessage(event) };
    case 'MessageDelivered':
    case 'MessageRead': {
      const { userId } = event.data;
      const effective = state.receipts.get(receiptKey(conversationId, userId)) ?? NO_WATERMARKS;
      const { deliveredSeq, readSeq } = effective;
      return {
        type: 'receipt',
        position,
        recipients: members,
        conversationId,
        userId,
        deliveredSeq,
        readSeq,
      };
    }
    default: {
      const unexpected: never = event;
      throw new Error(`Unknown event type: ${(unexpected as { type: string }).type}`);
    }
  }
}

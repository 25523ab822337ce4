import { ConversationEvent, ConversationStarted } from './events';
import { ActiveConversation, ConversationState, Watermarks, initialState } from './state';

/**
 * Applies one stored event to the state.
 *
 * Ownership: for O(1) work per event on long conversations, `evolve` REUSES (mutates) the
 * `members` and `receipts` collections of the active state it is given and returns a
 * new top-level object. Callers must treat the state they pass in as consumed and keep only
 * the returned one (fold with `reduce`, or `state = evolve(state, event)`).
 *
 * Total over stored history: an event that cannot apply (anything before
 * ConversationStarted, or a second ConversationStarted) leaves the state unchanged rather
 * than making the stream unloadable. `decide` never emits such events.
 */
export function evolve(state: ConversationState, event: ConversationEvent): ConversationState {
  if (event.type === 'ConversationStarted') {
    return state.status === 'empty' ? started(event) : state;
  }
  if (state.status === 'empty') return state;
  switch (event.type) {
    case 'MembersAdded':
      for (const userId of event.data.members) state.members.add(userId);
      return { ...state };
    case 'MembersRemoved':
      // Former members keep their receipts (history stays attributable); only membership ends.
      for (const userId of event.data.members) state.members.delete(userId);
      return { ...state };
    case 'MessageSent': {
      const { senderId, seq } = event.data;
      // The sender has seen (delivered and read) everything up to their own message.
      raise(state, senderId, seq, seq);
      return { ...state, lastSeq: Math.max(state.lastSeq, seq) };
    }
    case 'MessageDelivered':
      raise(state, event.data.userId, event.data.upToSeq, 0);
      return { ...state };
    case 'MessageRead':
      // Read implies delivered.
      raise(state, event.data.userId, event.data.upToSeq, event.data.upToSeq);
      return { ...state };
    default: {
      const unexpected: never = event;
      throw new Error(`Unknown event type: ${(unexpected as { type: string }).type}`);
    }
  }
}

/** Folds a whole stream, oldest first, from the empty state. */
export function foldConversation(events: readonly ConversationEvent[]): ConversationState {
  let state = initialState();
  for (const event of events) state = evolve(state, event);
  return state;
}

/** Current watermarks of a user; zeros if they never received or read anything. */
export function watermarksOf(state: ActiveConversation, userId: string): Watermarks {
  return state.receipts.get(userId) ?? { delivered: 0, read: 0 };
}

function started(event: ConversationStarted): ActiveConversation {
  const { conversationId, kind, title, members } = event.data;
  return {
    status: 'active',
    conversationId,
    kind,
    ...(title !== undefined ? { title } : {}),
    members: new Set(members),
    lastSeq: 0,
    receipts: new Map(),
  };
}

/** Max-style: watermarks never go down, so replays and late events cannot lower them. */
function raise(state: ActiveConversation, userId: string, delivered: number, read: number): void {
  const current = watermarksOf(state, userId);
  state.receipts.set(userId, {
    delivered: Math.max(current.delivered, delivered, read),
    read: Math.max(current.read, read),
  });
}

import { ConversationCommand } from './commands';
import { DomainError } from './errors';
import { ConversationEvent } from './events';
import { ConversationPolicy, defaultPolicy } from './policy';
import { ActiveConversation, ConversationState } from './state';
import { watermarksOf } from './evolve';

type Command<T extends ConversationCommand['type']> = Extract<ConversationCommand, { type: T }>;
type Decision = ConversationEvent[] | DomainError;

/**
 * The conversation's rules: state + command → the events to append, or a refusal.
 * Pure (time and ids arrive with the command). `[]` means "accepted, nothing to change"
 * (idempotent retries and watermarks that are not higher than the current one).
 */
export function decide(
  state: ConversationState,
  command: ConversationCommand,
  policy: ConversationPolicy = defaultPolicy,
): Decision {
  if (command.type === 'StartConversation') return startConversation(state, command, policy);
  if (state.status === 'empty') {
    return new DomainError(
      'conversation_not_found',
      `Conversation ${command.data.conversationId} not found`,
    );
  }
  switch (command.type) {
    case 'AddMembers':
      return addMembers(state, command, policy);
    case 'RemoveMembers':
      return removeMembers(state, command);
    case 'SendMessage':
      return sendMessage(state, command, policy);
    case 'MarkDelivered':
    case 'MarkRead':
      return markReceipt(state, command);
    default: {
      const unexpected: never = command;
      throw new Error(`Unknown command type: ${(unexpected as { type: string }).type}`);
    }
  }
}

function startConversation(
  state: ConversationState,
  command: Command<'StartConversation'>,
  policy: ConversationPolicy,
): Decision {
  const { conversationId, kind, title, actor, now } = command.data;
  if (state.status !== 'empty')
    return new DomainError('conversation_exists', `Conversation ${conversationId} already exists`);
  // The starter is always a member; listed first, then the others in the order given.
  const members = distinct([actor, ...command.data.members]);
  if (members.some(isInvalidId)) return invalidMemberId();
  if (kind === 'direct') {
    if (members.length !== 2)
      return new DomainError(
        'invalid_members',
        'A direct conversation has exactly 2 distinct members, including you',
      );
    // Silently dropping a title would surprise the caller; direct conversations have none.
    if (title !== undefined)
      return new DomainError('not_allowed', 'A direct conversation has no title');
  } else if (members.length > policy.maxGroupSize) {
    return tooLarge(policy);
  }
  return [
    {
      type: 'ConversationStarted',
      data: {
        conversationId,
        kind,
        members,
        ...(title !== undefined ? { title } : {}),
        startedBy: actor,
        startedAt: now,
      },
    },
  ];
}

/** Any member may add others (there are no admin roles yet). Adding only present ids is a no-op. */
function addMembers(
  state: ActiveConversation,
  command: Command<'AddMembers'>,
  policy: ConversationPolicy,
): Decision {
  const { conversationId, actor, now } = command.data;
  const refusal = checkMembershipChange(state, actor, command.data.members);
  if (refusal) return refusal;
  const added = distinct(command.data.members).filter((userId) => !state.members.has(userId));
  if (added.length === 0) return [];
  if (state.members.size + added.length > policy.maxGroupSize) return tooLarge(policy);
  return [
    {
      type: 'MembersAdded',
      data: { conversationId, members: added, addedBy: actor, addedAt: now },
    },
  ];
}

/**
 * Any member may remove themselves (leave) or any other member: there are no admin roles yet.
 * Removing ids that are not members is a no-op.
 */
function removeMembers(state: ActiveConversation, command: Command<'RemoveMembers'>): Decision {
  const { conversationId, actor, now } = command.data;
  const refusal = checkMembershipChange(state, actor, command.data.members);
  if (refusal) return refusal;
  const removed = distinct(command.data.members).filter((userId) => state.members.has(userId));
  if (removed.length === 0) return [];
  return [
    {
      type: 'MembersRemoved',
      data: { conversationId, members: removed, removedBy: actor, removedAt: now },
    },
  ];
}

function checkMembershipChange(
  state: ActiveConversation,
  actor: string,
  userIds: string[],
): DomainError | undefined {
  if (!state.members.has(actor)) return notAMember(state, actor);
  if (state.kind === 'direct')
    return new DomainError('not_allowed', 'The members of a direct conversation cannot change');
  if (userIds.some(isInvalidId)) return invalidMemberId();
  return undefined;
}

/**
 * The next message at seq lastSeq + 1. Retries (same sender and clientMessageId) are not seen
 * here: the command side gives the event an id derived from that pair, the event store stores
 * an id once, and the original { messageId, seq } is answered from the stored event, also to a
 * sender removed since (apps/command-api/src/conversation/idempotent-send.ts).
 */
function sendMessage(
  state: ActiveConversation,
  command: Command<'SendMessage'>,
  policy: ConversationPolicy,
): Decision {
  const { conversationId, messageId, clientMessageId, actor, body, attachments, now } =
    command.data;
  if (!state.members.has(actor)) return notAMember(state, actor);
  if (body.length === 0 || body.length > policy.maxBodyLength || body.trim().length === 0) {
    return new DomainError(
      'invalid_body',
      `The body must be 1 to ${policy.maxBodyLength} characters and not only whitespace`,
    );
  }
  if (attachments.length > policy.maxAttachments) {
    return new DomainError(
      'invalid_body',
      `At most ${policy.maxAttachments} attachments per message`,
    );
  }
  const seq = state.lastSeq + 1;
  return [
    {
      type: 'MessageSent',
      data: {
        conversationId,
        messageId,
        clientMessageId,
        senderId: actor,
        seq,
        body,
        attachments: [...attachments],
        sentAt: now,
      },
    },
  ];
}

/** Watermarks only rise: a watermark at or below the current one is a no-op. Read implies delivered. */
function markReceipt(
  state: ActiveConversation,
  command: Command<'MarkDelivered' | 'MarkRead'>,
): Decision {
  const { conversationId, upToSeq, actor, now } = command.data;
  if (!state.members.has(actor)) return notAMember(state, actor);
  if (!Number.isInteger(upToSeq) || upToSeq < 0 || upToSeq > state.lastSeq) {
    return new DomainError(
      'seq_out_of_range',
      `upToSeq must be an integer from 0 to ${state.lastSeq}`,
    );
  }
  const current = watermarksOf(state, actor);
  if (command.type === 'MarkRead') {
    if (upToSeq <= current.read) return [];
    return [{ type: 'MessageRead', data: { conversationId, userId: actor, upToSeq, readAt: now } }];
  }
  if (upToSeq <= current.delivered) return [];
  return [
    {
      type: 'MessageDelivered',
      data: { conversationId, userId: actor, upToSeq, deliveredAt: now },
    },
  ];
}

const distinct = (ids: string[]): string[] => [...new Set(ids)];
/**
 * Blank ids are meaningless, and ids with NUL would make the idempotency key (sender NUL
 * clientMessageId, see the command side) ambiguous; refusing them keeps that key collision-free.
 */
const invalidMemberId = (): DomainError =>
  new DomainError('invalid_members', 'Member ids must be non-blank and free of NUL characters');
const isInvalidId = (id: string): boolean => id.trim().length === 0 || id.includes('\u0000');
const notAMember = (state: ActiveConversation, actor: string): DomainError =>
  new DomainError(
    'not_a_member',
    `${actor} is not a member of conversation ${state.conversationId}`,
  );
const tooLarge = (policy: ConversationPolicy): DomainError =>
  new DomainError('group_too_large', `A group has at most ${policy.maxGroupSize} members`);

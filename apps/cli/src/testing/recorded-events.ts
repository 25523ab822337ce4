import { RecordedEvent } from '../../../../libs/event-store/src/event-store.port';
import { padU64 } from '../../../../libs/event-store/src/position';

/** RecordedEvents for the CLI's unit specs: a position, a stream, a type and data are enough. */
export function recorded(
  position: number,
  streamId: string,
  revision: number,
  type: string,
  data: object,
  options: { actor?: string; timestamp?: string } = {},
): RecordedEvent {
  return {
    streamId,
    revision,
    position: padU64(position),
    type,
    data,
    metadata: {
      eventId: `event-${position}`,
      schemaVersion: 1,
      correlationId: `correlation-${position}`,
      causationId: `causation-${position}`,
      actor: options.actor ?? 'alice',
      timestamp: options.timestamp ?? new Date(Date.UTC(2025, 0, 1, 0, 0, position)).toISOString(),
      prevHash: '0'.repeat(64),
      hash: position.toString(16).padStart(64, '0'),
    },
  };
}

/** A conversation's stream as the command side writes it. */
export function conversationHistory(conversationId: string, firstPosition = 1): RecordedEvent[] {
  const stream = `conversation-${conversationId}`;
  const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, i)).toISOString();
  let revision = 0;
  let position = firstPosition;
  const next = (type: string, data: object, actor: string, i: number) =>
    recorded(position++, stream, revision++, type, data, { actor, timestamp: at(i) });
  const sent = (seq: number, sender: string, i: number) =>
    next(
      'MessageSent',
      {
        conversationId,
        messageId: `m${seq}`,
        clientMessageId: `c${seq}`,
        senderId: sender,
        seq,
        body: `hello ${seq}`,
        attachments: [],
        sentAt: at(i),
      },
      sender,
      i,
    );
  return [
    next(
      'ConversationStarted',
      {
        conversationId,
        kind: 'group',
        members: ['alice', 'bob'],
        title: 'team',
        startedBy: 'alice',
        startedAt: at(0),
      },
      'alice',
      0,
    ),
    sent(1, 'alice', 10),
    sent(2, 'bob', 20),
    next('MessageRead', { conversationId, userId: 'bob', upToSeq: 1, readAt: at(25) }, 'bob', 25),
    next(
      'MembersAdded',
      { conversationId, members: ['carol'], addedBy: 'alice', addedAt: at(30) },
      'alice',
      30,
    ),
    sent(3, 'carol', 40),
    next(
      'MessageDelivered',
      { conversationId, userId: 'alice', upToSeq: 3, deliveredAt: at(45) },
      'alice',
      45,
    ),
    next(
      'MembersRemoved',
      { conversationId, members: ['bob'], removedBy: 'alice', removedAt: at(50) },
      'alice',
      50,
    ),
  ];
}

import {
  CID,
  T0,
  addMembers,
  conversationSpec,
  markDelivered,
  markRead,
  removeMembers,
  sendMessage,
  startConversation,
  started,
  users,
} from '../testing/conversation-fixtures';
import { defaultPolicy } from './policy';

const spec = conversationSpec();

describe('StartConversation', () => {
  it('starts a group with the actor first and the others de-duplicated', () => {
    spec
      .given([])
      .when(startConversation('alice', ['bob', 'carol', 'bob', 'alice'], 'group', 'Team'))
      .then([
        {
          type: 'ConversationStarted',
          data: {
            conversationId: CID,
            kind: 'group',
            members: ['alice', 'bob', 'carol'],
            title: 'Team',
            startedBy: 'alice',
            startedAt: T0,
          },
        },
      ]);
  });

  it('includes the actor even when the member list omits them', () => {
    const state = spec
      .given([])
      .when(startConversation('alice', ['bob'], 'direct'))
      .then([
        {
          type: 'ConversationStarted',
          data: {
            conversationId: CID,
            kind: 'direct',
            members: ['alice', 'bob'],
            startedBy: 'alice',
            startedAt: T0,
          },
        },
      ]);
    expect(state.status === 'active' && [...state.members]).toEqual(['alice', 'bob']);
  });

  it('starts a group without a title', () => {
    spec
      .given([])
      .when(startConversation('alice', ['bob', 'carol']))
      .then([started(['alice', 'bob', 'carol'])]);
  });

  it('rejects a second start of the same conversation', () => {
    spec
      .given([started(['alice', 'bob'])])
      .when(startConversation('alice', ['bob']))
      .thenRejects('conversation_exists');
  });

  describe('direct conversations', () => {
    it('rejects one member (the actor talking to themselves)', () => {
      spec
        .given([])
        .when(startConversation('alice', ['alice'], 'direct'))
        .thenRejects('invalid_members');
    });

    it('rejects no other member', () => {
      spec
        .given([])
        .when(startConversation('alice', [], 'direct'))
        .thenRejects('invalid_members');
    });

    it('rejects three distinct members', () => {
      spec
        .given([])
        .when(startConversation('alice', ['bob', 'carol'], 'direct'))
        .thenRejects('invalid_members');
    });

    it('accepts the other member listed twice (2 distinct members)', () => {
      spec
        .given([])
        .when(startConversation('alice', ['bob', 'bob', 'alice'], 'direct'))
        .then([started(['alice', 'bob'], 'direct')]);
    });

    it('rejects a title (direct conversations have none)', () => {
      spec
        .given([])
        .when(startConversation('alice', ['bob'], 'direct', 'Hi'))
        .thenRejects('not_allowed');
    });
  });

  describe('member ids', () => {
    it('rejects an empty member id', () => {
      spec
        .given([])
        .when(startConversation('alice', ['bob', '']))
        .thenRejects('invalid_members');
    });

    it('rejects a whitespace-only member id', () => {
      spec
        .given([])
        .when(startConversation('alice', ['  ']))
        .thenRejects('invalid_members');
    });

    it('rejects a member id containing NUL (it would make idempotency keys ambiguous)', () => {
      spec
        .given([])
        .when(startConversation('alice', ['a\u0000b']))
        .thenRejects('invalid_members');
    });

    it('rejects an empty actor', () => {
      spec
        .given([])
        .when(startConversation('', ['bob'], 'direct'))
        .thenRejects('invalid_members');
    });
  });

  describe('group size', () => {
    it(`accepts the default limit of ${defaultPolicy.maxGroupSize} members including the actor`, () => {
      const members = users(defaultPolicy.maxGroupSize);
      spec
        .given([])
        .when(startConversation(members[0], members.slice(1)))
        .then([started(members)]);
    });

    it('rejects one member over the default limit', () => {
      const members = users(defaultPolicy.maxGroupSize + 1);
      spec
        .given([])
        .when(startConversation(members[0], members.slice(1)))
        .thenRejects('group_too_large');
    });

    it('counts the actor towards the limit', () => {
      const others = users(defaultPolicy.maxGroupSize);
      spec.given([]).when(startConversation('alice', others)).thenRejects('group_too_large');
    });

    describe('with a configured limit of 1,000', () => {
      const large = conversationSpec({ ...defaultPolicy, maxGroupSize: 1_000 });

      it('accepts 1,000 members', () => {
        const members = users(1_000);
        large
          .given([])
          .when(startConversation(members[0], members))
          .then([started(members)]);
      });

      it('rejects 1,001 members', () => {
        const members = users(1_001);
        large.given([]).when(startConversation(members[0], members)).thenRejects('group_too_large');
      });
    });
  });
});

describe('any command other than StartConversation on a conversation that does not exist', () => {
  it.each([
    ['AddMembers', addMembers('alice', ['bob'])],
    ['RemoveMembers', removeMembers('alice', ['bob'])],
    ['SendMessage', sendMessage('alice', 'cm1', 'hi')],
    ['MarkDelivered', markDelivered('alice', 0)],
    ['MarkRead', markRead('alice', 0)],
  ])('%s is rejected with conversation_not_found', (_name, command) => {
    spec.given([]).when(command).thenRejects('conversation_not_found');
  });
});

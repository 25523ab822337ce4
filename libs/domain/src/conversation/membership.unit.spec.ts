import {
  addMembers,
  conversationSpec,
  membersAdded,
  membersRemoved,
  removeMembers,
  started,
  users,
} from '../testing/conversation-fixtures';
import { defaultPolicy } from './policy';

const spec = conversationSpec();
const group = started(['alice', 'bob']);
const direct = started(['alice', 'bob'], 'direct');

describe('AddMembers', () => {
  it('adds only the ids that are not members yet, once each', () => {
    const state = spec
      .given([group])
      .when(addMembers('bob', ['carol', 'alice', 'dave', 'carol']))
      .then([membersAdded(['carol', 'dave'], 'bob')]);
    expect(state.status === 'active' && [...state.members].sort()).toEqual([
      'alice',
      'bob',
      'carol',
      'dave',
    ]);
  });

  it('is an idempotent no-op when everyone is already a member', () => {
    spec
      .given([group])
      .when(addMembers('alice', ['bob', 'alice']))
      .thenNothing();
  });

  it('is a no-op for an empty list', () => {
    spec.given([group]).when(addMembers('alice', [])).thenNothing();
  });

  it('re-adds a removed member', () => {
    spec
      .given([group, membersRemoved(['bob'])])
      .when(addMembers('alice', ['bob']))
      .then([membersAdded(['bob'])]);
  });

  it('rejects an actor who is not a member', () => {
    spec
      .given([group])
      .when(addMembers('mallory', ['mallory']))
      .thenRejects('not_a_member');
  });

  it('rejects an actor who was removed', () => {
    spec
      .given([group, membersRemoved(['bob'])])
      .when(addMembers('bob', ['carol']))
      .thenRejects('not_a_member');
  });

  it('rejects changing a direct conversation', () => {
    spec
      .given([direct])
      .when(addMembers('alice', ['carol']))
      .thenRejects('not_allowed');
  });

  it('rejects an empty member id', () => {
    spec
      .given([group])
      .when(addMembers('alice', ['']))
      .thenRejects('invalid_members');
  });

  it('rejects a member id containing NUL', () => {
    spec
      .given([group])
      .when(addMembers('alice', ['x\u0000y']))
      .thenRejects('invalid_members');
  });

  it('accepts filling the group to exactly the limit', () => {
    const members = users(defaultPolicy.maxGroupSize);
    spec
      .given([started(members.slice(0, 2))])
      .when(addMembers(members[0], members))
      .then([membersAdded(members.slice(2), members[0])]);
  });

  it('rejects going one over the limit', () => {
    const members = users(defaultPolicy.maxGroupSize + 1);
    spec
      .given([started(members.slice(0, 2))])
      .when(addMembers(members[0], members))
      .thenRejects('group_too_large');
  });

  describe('with a configured limit of 1,000', () => {
    const large = conversationSpec({ ...defaultPolicy, maxGroupSize: 1_000 });
    const thousand = users(1_000);

    it('grows a group to 1,000 members', () => {
      large
        .given([started(thousand.slice(0, 500))])
        .when(addMembers(thousand[0], thousand))
        .then([membersAdded(thousand.slice(500), thousand[0])]);
    });

    it('rejects the 1,001st member', () => {
      large
        .given([started(thousand)])
        .when(addMembers(thousand[0], ['one-too-many']))
        .thenRejects('group_too_large');
    });

    it('has room again after a member is removed', () => {
      large
        .given([started(thousand), membersRemoved(['user2'], 'user1')])
        .when(addMembers('user1', ['newcomer']))
        .then([membersAdded(['newcomer'], 'user1')]);
    });
  });
});

describe('RemoveMembers', () => {
  const trio = started(['alice', 'bob', 'carol']);

  // There are no admin roles yet: any member may remove any other member.
  it('lets any member remove another member', () => {
    spec
      .given([trio])
      .when(removeMembers('bob', ['carol']))
      .then([membersRemoved(['carol'], 'bob')]);
  });

  it('lets a member remove themselves (leave)', () => {
    const state = spec
      .given([trio])
      .when(removeMembers('bob', ['bob']))
      .then([membersRemoved(['bob'], 'bob')]);
    expect(state.status === 'active' && state.members.has('bob')).toBe(false);
  });

  it('removes only current members, once each', () => {
    spec
      .given([trio])
      .when(removeMembers('alice', ['carol', 'zed', 'carol']))
      .then([membersRemoved(['carol'])]);
  });

  it('is an idempotent no-op when none of them is a member', () => {
    spec
      .given([trio, membersRemoved(['carol'])])
      .when(removeMembers('alice', ['carol', 'zed']))
      .thenNothing();
  });

  it('rejects an actor who is not a member', () => {
    spec
      .given([trio])
      .when(removeMembers('mallory', ['alice']))
      .thenRejects('not_a_member');
  });

  it('rejects an actor who already left', () => {
    spec
      .given([trio, membersRemoved(['bob'], 'bob')])
      .when(removeMembers('bob', ['alice']))
      .thenRejects('not_a_member');
  });

  it('rejects changing a direct conversation', () => {
    spec
      .given([direct])
      .when(removeMembers('alice', ['bob']))
      .thenRejects('not_allowed');
  });

  it('rejects leaving a direct conversation too', () => {
    spec
      .given([direct])
      .when(removeMembers('alice', ['alice']))
      .thenRejects('not_allowed');
  });

  it('rejects an empty member id', () => {
    spec
      .given([trio])
      .when(removeMembers('alice', ['bob', ' ']))
      .thenRejects('invalid_members');
  });
});

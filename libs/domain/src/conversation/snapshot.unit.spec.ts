import { foldConversation } from './evolve';
import { fromSnapshot, toSnapshot } from './snapshot';
import { evolve } from './evolve';
import { initialState } from './state';
import {
  membersAdded,
  membersRemoved,
  messageSent,
  read,
  started,
} from '../testing/conversation-fixtures';

describe('conversation snapshots', () => {
  const history = [
    started(['alice', 'bob'], 'group', 'Team'),
    membersAdded(['carol']),
    messageSent(1),
    messageSent(2, 'bob'),
    read('carol', 2),
    membersRemoved(['bob']),
  ];

  it('given a history, a snapshot restores the same state', () => {
    const state = foldConversation(history);
    expect(fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state))))).toEqual(state);
  });

  it('folding on from a restored snapshot equals folding the whole history', () => {
    const snapshot = toSnapshot(foldConversation(history.slice(0, 4)))!;
    const resumed = history.slice(4).reduce(evolve, fromSnapshot(snapshot));
    expect(resumed).toEqual(foldConversation(history));
  });

  it('is a copy: evolving the state afterwards does not change the snapshot', () => {
    let state = foldConversation(history.slice(0, 3));
    const snapshot = toSnapshot(state)!;
    const before = JSON.stringify(snapshot);
    state = evolve(state, membersAdded(['dave']));
    state = evolve(state, read('alice', 1));
    expect(JSON.stringify(snapshot)).toBe(before);
  });

  it('an empty conversation has no snapshot', () => {
    expect(toSnapshot(initialState())).toBeUndefined();
  });
});

import {
  conversationSpec,
  delivered,
  markDelivered,
  markRead,
  membersRemoved,
  messageSent,
  read,
  started,
} from '../testing/conversation-fixtures';
import { ConversationCommand } from './commands';
import { watermarksOf } from './evolve';
import { ConversationState } from './state';

const spec = conversationSpec();
/** alice wrote 1..5, so lastSeq is 5; bob and carol have received and read nothing. */
const history = [
  started(['alice', 'bob', 'carol']),
  ...[1, 2, 3, 4, 5].map((seq) => messageSent(seq)),
];

const bobsWatermarks = (state: ConversationState) =>
  state.status === 'active' ? watermarksOf(state, 'bob') : undefined;

describe('MarkDelivered', () => {
  it('raises the delivered watermark', () => {
    const state = spec
      .given(history)
      .when(markDelivered('bob', 3))
      .then([delivered('bob', 3)]);
    expect(bobsWatermarks(state)).toEqual({ delivered: 3, read: 0 });
  });

  it('accepts the last seq', () => {
    spec
      .given(history)
      .when(markDelivered('bob', 5))
      .then([delivered('bob', 5)]);
  });

  it('is a no-op at or below the current delivered watermark', () => {
    spec
      .given([...history, delivered('bob', 4)])
      .when(markDelivered('bob', 4))
      .thenNothing();
    spec
      .given([...history, delivered('bob', 4)])
      .when(markDelivered('bob', 2))
      .thenNothing();
  });

  it('is a no-op at 0 (nothing to acknowledge)', () => {
    spec.given(history).when(markDelivered('bob', 0)).thenNothing();
  });

  it('after a read at a higher seq, a late delivered at a lower seq is a no-op', () => {
    const state = spec
      .given([...history, read('bob', 4)])
      .when(markDelivered('bob', 2))
      .thenNothing();
    expect(bobsWatermarks(state)).toEqual({ delivered: 4, read: 4 });
  });

  it('after a read, delivered at the same seq is a no-op (read implied it)', () => {
    spec
      .given([...history, read('bob', 4)])
      .when(markDelivered('bob', 4))
      .thenNothing();
  });

  it('after a read, delivered further on is recorded', () => {
    spec
      .given([...history, read('bob', 2)])
      .when(markDelivered('bob', 5))
      .then([delivered('bob', 5)]);
  });

  it('is a no-op for a sender up to their own message (they have seen it)', () => {
    spec.given(history).when(markDelivered('alice', 5)).thenNothing();
  });
});

describe('MarkRead', () => {
  it('raises read and, with it, delivered (read implies delivered)', () => {
    const state = spec
      .given(history)
      .when(markRead('bob', 3))
      .then([read('bob', 3)]);
    expect(bobsWatermarks(state)).toEqual({ delivered: 3, read: 3 });
  });

  it('is recorded when delivered is already higher, without lowering delivered', () => {
    const state = spec
      .given([...history, delivered('bob', 5)])
      .when(markRead('bob', 2))
      .then([read('bob', 2)]);
    expect(bobsWatermarks(state)).toEqual({ delivered: 5, read: 2 });
  });

  it('is a no-op at or below the current read watermark', () => {
    spec
      .given([...history, read('bob', 4)])
      .when(markRead('bob', 4))
      .thenNothing();
    spec
      .given([...history, read('bob', 4)])
      .when(markRead('bob', 1))
      .thenNothing();
  });

  it('is a no-op for a sender up to their own message', () => {
    spec.given(history).when(markRead('alice', 5)).thenNothing();
  });

  it('reading a batch is one event, not one per message', () => {
    spec
      .given(history)
      .when(markRead('carol', 5))
      .then([read('carol', 5)]);
  });
});

describe.each<[string, (actor: string, upToSeq: number) => ConversationCommand]>([
  ['MarkDelivered', markDelivered],
  ['MarkRead', markRead],
])('%s refusals', (_name, mark) => {
  it('rejects upToSeq above the last seq', () => {
    spec.given(history).when(mark('bob', 6)).thenRejects('seq_out_of_range');
  });

  it('rejects any upToSeq above 0 before the first message', () => {
    spec.given([history[0]]).when(mark('bob', 1)).thenRejects('seq_out_of_range');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects upToSeq %p', (upToSeq) => {
    spec.given(history).when(mark('bob', upToSeq)).thenRejects('seq_out_of_range');
  });

  it('rejects a user who never was a member', () => {
    spec.given(history).when(mark('mallory', 1)).thenRejects('not_a_member');
  });

  it('rejects a removed member', () => {
    spec
      .given([...history, membersRemoved(['bob'])])
      .when(mark('bob', 1))
      .thenRejects('not_a_member');
  });

  it('checks membership before the range', () => {
    spec.given(history).when(mark('mallory', 99)).thenRejects('not_a_member');
  });
});

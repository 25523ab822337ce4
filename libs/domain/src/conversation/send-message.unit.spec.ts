import {
  CID,
  T1,
  conversationSpec,
  membersAdded,
  membersRemoved,
  messageSent,
  sendMessage,
  started,
} from '../testing/conversation-fixtures';
import { ConversationCommand } from './commands';
import { decide } from './decide';
import { toSnapshot } from './snapshot';
import { Attachment, ConversationEvent } from './events';
import { evolve, foldConversation } from './evolve';
import { defaultPolicy } from './policy';
import { ConversationState } from './state';
import { isDomainError } from './errors';

const spec = conversationSpec();
const group = started(['alice', 'bob', 'carol']);

const attachment = (i: number): Attachment => ({
  mediaId: `media${i}`,
  contentType: 'image/png',
  size: 100 + i,
});

/** Runs commands through decide+evolve like a command handler would, collecting events. */
function run(commands: ConversationCommand[], from: ConversationEvent[]): ConversationEvent[] {
  let state: ConversationState = foldConversation(from);
  const appended: ConversationEvent[] = [];
  for (const command of commands) {
    const result = decide(state, command);
    if (isDomainError(result)) throw new Error(result.code);
    for (const event of result) state = evolve(state, event);
    appended.push(...result);
  }
  return appended;
}

describe('SendMessage', () => {
  it('sends the first message with seq 1', () => {
    spec
      .given([group])
      .when(sendMessage('alice', 'cm1', 'hello', 'm1'))
      .then([messageSent(1, 'alice', 'cm1', 'hello')]);
  });

  it('gives the next message lastSeq + 1', () => {
    spec
      .given([group, messageSent(1), messageSent(2, 'bob')])
      .when(sendMessage('carol', 'x', 'third', 'm3'))
      .then([messageSent(3, 'carol', 'x', 'third')]);
  });

  it('keeps seq dense (1..N, no gap, no repeat) across many sends by several members', () => {
    const senders = ['alice', 'bob', 'carol'];
    const commands = Array.from({ length: 300 }, (_, i) =>
      sendMessage(senders[i % 3], `cm${i}`, `message ${i}`),
    );
    const seqs = run(commands, [group]).map((e) => (e.type === 'MessageSent' ? e.data.seq : -1));
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('keeps the body verbatim, surrounding whitespace included', () => {
    spec
      .given([group])
      .when(sendMessage('alice', 'cm1', '  hi  \n', 'm1'))
      .then([messageSent(1, 'alice', 'cm1', '  hi  \n')]);
  });

  it('carries attachments', () => {
    const attachments = [attachment(1), attachment(2)];
    const expected = messageSent(1, 'alice', 'cm1', 'see');
    expected.data.attachments = attachments;
    spec
      .given([group])
      .when(sendMessage('alice', 'cm1', 'see', 'm1', attachments))
      .then([expected]);
  });

  describe("retries are the event store's to dedupe", () => {
    const history = [group, messageSent(1, 'alice', 'cm1', 'hello'), messageSent(2, 'bob')];

    it('a retry decided again is a new message at the next seq (its derived event id is what the store refuses)', () => {
      spec
        .given(history)
        .when(sendMessage('alice', 'cm1', 'hello', 'm3'))
        .then([messageSent(3, 'alice', 'cm1', 'hello')]);
    });

    it('the state keeps nothing per message: 10,000 sends leave it the size of its membership', () => {
      const events = [group, ...Array.from({ length: 10_000 }, (_, i) => messageSent(i + 1))];
      const state = foldConversation(events);
      expect(Object.keys(state).sort()).toEqual(
        ['conversationId', 'kind', 'lastSeq', 'members', 'receipts', 'status'].sort(),
      );
      expect(JSON.stringify(toSnapshot(state)).length).toBeLessThan(500);
    });
  });

  describe('membership', () => {
    it('rejects a sender who never was a member', () => {
      spec
        .given([group])
        .when(sendMessage('mallory', 'cm1', 'hi'))
        .thenRejects('not_a_member');
    });

    it('rejects a removed member', () => {
      spec
        .given([group, membersRemoved(['bob'])])
        .when(sendMessage('bob', 'cm1', 'hi'))
        .thenRejects('not_a_member');
    });

    it('accepts a member added later', () => {
      spec
        .given([group, membersAdded(['dave'])])
        .when(sendMessage('dave', 'cm1', 'hi', 'm1'))
        .then([messageSent(1, 'dave', 'cm1', 'hi')]);
    });
  });

  describe('body', () => {
    it(`accepts exactly ${defaultPolicy.maxBodyLength.toLocaleString('en')} characters`, () => {
      const body = 'x'.repeat(100_000);
      spec
        .given([group])
        .when(sendMessage('alice', 'cm1', body, 'm1'))
        .then([messageSent(1, 'alice', 'cm1', body)]);
    });

    it('rejects 100,001 characters', () => {
      spec
        .given([group])
        .when(sendMessage('alice', 'cm1', 'x'.repeat(100_001)))
        .thenRejects('invalid_body');
    });

    it('accepts a single character', () => {
      spec
        .given([group])
        .when(sendMessage('alice', 'cm1', '.', 'm1'))
        .then([messageSent(1, 'alice', 'cm1', '.')]);
    });

    it('rejects an empty body', () => {
      spec
        .given([group])
        .when(sendMessage('alice', 'cm1', ''))
        .thenRejects('invalid_body');
    });

    it('rejects a whitespace-only body', () => {
      spec
        .given([group])
        .when(sendMessage('alice', 'cm1', ' \n\t '))
        .thenRejects('invalid_body');
    });

    it('honours a configured maximum', () => {
      const short = conversationSpec({ ...defaultPolicy, maxBodyLength: 5 });
      short
        .given([group])
        .when(sendMessage('alice', 'cm1', '123456'))
        .thenRejects('invalid_body');
      short
        .given([group])
        .when(sendMessage('alice', 'cm1', '12345', 'm1'))
        .then([messageSent(1, 'alice', 'cm1', '12345')]);
    });
  });

  describe('attachments', () => {
    const max = defaultPolicy.maxAttachments;
    const many = (n: number) => Array.from({ length: n }, (_, i) => attachment(i));

    it(`accepts ${max} attachments`, () => {
      const events = run([sendMessage('alice', 'cm1', 'pics', 'm1', many(max))], [group]);
      expect(events).toHaveLength(1);
      expect(events[0].type === 'MessageSent' && events[0].data.attachments).toEqual(many(max));
    });

    it(`rejects ${max + 1} attachments`, () => {
      spec
        .given([group])
        .when(sendMessage('alice', 'cm1', 'pics', 'm1', many(max + 1)))
        .thenRejects('invalid_body');
    });
  });

  it('stamps the event with the command time, not a clock', () => {
    const events = run([sendMessage('alice', 'cm1', 'hi')], [group]);
    expect(events[0].type === 'MessageSent' && events[0].data).toMatchObject({
      conversationId: CID,
      sentAt: T1,
    });
  });
});

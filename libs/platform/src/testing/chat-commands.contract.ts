import { randomUUID } from 'node:crypto';
import { AppError } from '../app-error';
import { ChatCommands } from '../chat-commands.port';

/** One event of a conversation's stream as stored, with what the contract checks of it. */
export interface StoredChatEvent {
  type: string;
  data: Record<string, unknown>;
  /** metadata.actor and metadata.correlationId of the stored event. */
  actor: string;
  correlationId: string;
}

export interface ChatCommandsHarness {
  commands: ChatCommands;
  /**
   * Starts a conversation as `actor` with `members` (the others) through the same command side
   * the adapter talks to; resolves its id.
   */
  startConversation(input: {
    actor: string;
    kind: 'direct' | 'group';
    members: string[];
  }): Promise<string>;
  /** The events stored in the conversation's stream, oldest first ([] when there is none). */
  storedEvents(conversationId: string): Promise<StoredChatEvent[]>;
  cleanup(): Promise<void>;
}

let runCounter = 0;

/**
 * The guarantees of the ChatCommands port (chat-commands.port.ts), for every adapter: the
 * in-process one (CommandBus) and the HTTP one (a real command API). The harness is made once
 * per suite; every test works with users and conversations of its own, so the suite can run
 * against a shared, long-running server.
 */
export function describeChatCommandsContract(
  name: string,
  makeHarness: () => Promise<ChatCommandsHarness>,
): void {
  describe(`ChatCommands contract: ${name}`, () => {
    let harness: ChatCommandsHarness;
    let commands: ChatCommands;
    let alice: string;
    let bob: string;
    let carol: string;
    let mallory: string;

    beforeAll(async () => {
      harness = await makeHarness();
      commands = harness.commands;
    });
    afterAll(async () => harness?.cleanup());
    beforeEach(() => {
      const run = `${++runCounter}-${randomUUID().slice(0, 8)}`;
      [alice, bob, carol, mallory] = ['alice', 'bob', 'carol', 'mallory'].map(
        (user) => `${user}-${run}`,
      );
    });

    const direct = (actor: string, other: string) =>
      harness.startConversation({ actor, kind: 'direct', members: [other] });
    const group = (actor: string, members: string[]) =>
      harness.startConversation({ actor, kind: 'group', members });
    const send = (actor: string, conversationId: string, clientMessageId: string, body = 'hi') =>
      commands.sendMessage({ actor, conversationId, clientMessageId, body });
    const types = async (conversationId: string) =>
      (await harness.storedEvents(conversationId)).map((e) => e.type);
    const sentSeqs = async (conversationId: string) =>
      (await harness.storedEvents(conversationId))
        .filter((e) => e.type === 'MessageSent')
        .map((e) => e.data.seq);
    const receipts = async (conversationId: string) =>
      (await harness.storedEvents(conversationId))
        .filter((e) => e.type === 'MessageDelivered' || e.type === 'MessageRead')
        .map((e) => [e.type, e.data.userId, e.data.upToSeq]);
    /** How a promise settled: the value, or what the refusal carried. */
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        (value) => ({ resolved: value }),
        (err: unknown) => ({
          appError: err instanceof AppError,
          code: (err as AppError).code,
          status: (err as AppError).status,
          hasMessage: typeof (err as Error).message === 'string' && (err as Error).message !== '',
        }),
      );
    const refused = (code: string, status: number) => ({
      appError: true,
      code,
      status,
      hasMessage: true,
    });

    describe('sendMessage', () => {
      it('returns {messageId, seq} with seqs dense from 1 in each conversation', async () => {
        const pair = await direct(alice, bob);
        const trio = await group(alice, [bob, carol]);
        const replies = [
          await send(alice, pair, 'a1'),
          await send(bob, pair, 'b1'),
          await send(carol, trio, 'c1'),
          await send(alice, pair, 'a2'),
          await send(bob, trio, 'b1'),
        ];
        expect(replies.map((r) => r.seq)).toEqual([1, 2, 1, 3, 2]);
        for (const reply of replies)
          expect(reply).toEqual({ messageId: expect.any(String), seq: expect.any(Number) });
        expect(new Set(replies.map((r) => r.messageId)).size).toBe(replies.length);
        expect(await types(pair)).toEqual([
          'ConversationStarted',
          'MessageSent',
          'MessageSent',
          'MessageSent',
        ]);
        const stored = (await harness.storedEvents(pair)).filter((e) => e.type === 'MessageSent');
        expect(stored.map((e) => [e.data.messageId, e.data.seq, e.data.senderId])).toEqual([
          [replies[0].messageId, 1, alice],
          [replies[1].messageId, 2, bob],
          [replies[3].messageId, 3, alice],
        ]);
        expect(await sentSeqs(trio)).toEqual([1, 2]);
      });

      it('stores the body, attachments, sender and correlation id as given', async () => {
        const conversationId = await direct(alice, bob);
        const body = 'héllo ✓ 😀 中文 "quoted" \\ \n second line';
        const attachments = [
          { mediaId: 'media-1', contentType: 'image/png', size: 12_345, name: 'photo ✓.png' },
          { mediaId: 'media-2', contentType: 'application/pdf', size: 0 },
        ];
        const correlationId = `corr-${randomUUID()}`;
        const reply = await commands.sendMessage({
          actor: alice,
          conversationId,
          clientMessageId: 'with-attachments',
          body,
          attachments,
          correlationId,
        });
        expect(reply.seq).toBe(1);
        const [sent] = (await harness.storedEvents(conversationId)).slice(1);
        expect(sent).toMatchObject({
          type: 'MessageSent',
          actor: alice,
          correlationId,
          data: {
            conversationId,
            messageId: reply.messageId,
            clientMessageId: 'with-attachments',
            senderId: alice,
            seq: 1,
            body,
            attachments,
          },
        });
      });

      it('a concurrent burst from many members gets distinct, dense seqs', async () => {
        const members = Array.from({ length: 9 }, (_, i) => `${bob}-${i}`);
        const conversationId = await group(alice, members);
        const senders = [alice, ...members];
        const replies = await Promise.all(
          senders.flatMap((sender) =>
            [1, 2, 3].map((n) => send(sender, conversationId, `burst-${n}`)),
          ),
        );
        expect(replies.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 30 }, (_, i) => i + 1),
        );
        expect(new Set(replies.map((r) => r.messageId)).size).toBe(30);
        expect(await sentSeqs(conversationId)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      });
    });

    describe('idempotent retries', () => {
      it('a retry with the same clientMessageId returns the same pair and writes nothing', async () => {
        const conversationId = await direct(alice, bob);
        const first = await send(alice, conversationId, 'm1');
        expect(await send(alice, conversationId, 'm1')).toEqual(first);
        await send(bob, conversationId, 'b1');
        await send(alice, conversationId, 'm2');
        // However late, and even with another body: the pair of the original.
        expect(await send(alice, conversationId, 'm1')).toEqual(first);
        expect(await send(alice, conversationId, 'm1', 'edited')).toEqual(first);
        const retries = await Promise.all(
          Array.from({ length: 5 }, () => send(alice, conversationId, 'm1')),
        );
        expect(retries).toEqual(Array.from({ length: 5 }, () => first));
        expect(await sentSeqs(conversationId)).toEqual([1, 2, 3]);
        expect((await send(alice, conversationId, 'm3')).seq).toBe(4);
      });

      it('the same clientMessageId from another sender, or in another conversation, is another message', async () => {
        const conversationId = await group(alice, [bob]);
        const other = await direct(alice, carol);
        const fromAlice = await send(alice, conversationId, 'same-id');
        const fromBob = await send(bob, conversationId, 'same-id');
        const elsewhere = await send(alice, other, 'same-id');
        expect([fromAlice.seq, fromBob.seq, elsewhere.seq]).toEqual([1, 2, 1]);
        expect(new Set([fromAlice, fromBob, elsewhere].map((r) => r.messageId)).size).toBe(3);
        expect(await send(bob, conversationId, 'same-id')).toEqual(fromBob);
      });

      it('concurrent first sends of one clientMessageId store one message and all get its pair', async () => {
        const conversationId = await direct(alice, bob);
        const replies = await Promise.all(
          Array.from({ length: 5 }, () => send(alice, conversationId, 'racing')),
        );
        expect(replies).toEqual(Array.from({ length: 5 }, () => replies[0]));
        expect(replies[0].seq).toBe(1);
        expect(await sentSeqs(conversationId)).toEqual([1]);
      });
    });

    describe('markDelivered / markRead', () => {
      it('raise the watermarks; a lower or equal one is a no-op, not an error', async () => {
        const conversationId = await direct(alice, bob);
        for (const n of [1, 2, 3]) await send(alice, conversationId, `m${n}`);
        const delivered = (upToSeq: number) =>
          commands.markDelivered({ actor: bob, conversationId, upToSeq });
        const read = (upToSeq: number) =>
          commands.markRead({ actor: bob, conversationId, upToSeq });

        await expect(delivered(2)).resolves.toBeUndefined();
        for (const lower of [2, 1, 0]) await expect(delivered(lower)).resolves.toBeUndefined();
        await expect(read(1)).resolves.toBeUndefined();
        for (const lower of [1, 0]) await expect(read(lower)).resolves.toBeUndefined();
        await expect(delivered(3)).resolves.toBeUndefined();
        await expect(read(3)).resolves.toBeUndefined();
        await expect(read(2)).resolves.toBeUndefined();
        expect(await receipts(conversationId)).toEqual([
          ['MessageDelivered', bob, 2],
          ['MessageRead', bob, 1],
          ['MessageDelivered', bob, 3],
          ['MessageRead', bob, 3],
        ]);
      });

      it('reading implies delivery, and a sender has read up to their own message', async () => {
        const conversationId = await direct(alice, bob);
        await send(alice, conversationId, 'm1');
        await send(alice, conversationId, 'm2');
        await commands.markRead({ actor: bob, conversationId, upToSeq: 2 });
        await commands.markDelivered({ actor: bob, conversationId, upToSeq: 2 });
        await commands.markRead({ actor: alice, conversationId, upToSeq: 2 });
        await commands.markDelivered({ actor: alice, conversationId, upToSeq: 1 });
        expect(await receipts(conversationId)).toEqual([['MessageRead', bob, 2]]);
      });

      it('concurrent marks end with the highest, the stored watermarks only rising', async () => {
        const conversationId = await group(alice, [bob]);
        for (let n = 1; n <= 10; n++) await send(alice, conversationId, `m${n}`);
        const marks = Array.from({ length: 20 }, (_, i) => 1 + ((i * 7) % 10));
        await Promise.all(
          marks.flatMap((upToSeq) => [
            commands.markDelivered({ actor: bob, conversationId, upToSeq }),
            commands.markRead({ actor: bob, conversationId, upToSeq: upToSeq - 1 }),
          ]),
        );
        const stored = await receipts(conversationId);
        for (const type of ['MessageDelivered', 'MessageRead']) {
          const seqs = stored.filter(([t]) => t === type).map(([, , seq]) => seq as number);
          expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
          expect(seqs[seqs.length - 1]).toBe(type === 'MessageRead' ? 9 : 10);
        }
      });
    });

    describe('refusals', () => {
      it('reject with AppError carrying the domain code and HTTP status, and write nothing', async () => {
        const conversationId = await direct(alice, bob);
        await send(alice, conversationId, 'm1');
        await send(bob, conversationId, 'b1');
        const before = await harness.storedEvents(conversationId);
        const unknown = randomUUID();
        const as = (actor: string, id = conversationId) => ({ actor, conversationId: id });

        const outcomes = {
          notAMemberSends: await refusal(send(mallory, conversationId, 'x1')),
          notAMemberDelivers: await refusal(commands.markDelivered({ ...as(mallory), upToSeq: 1 })),
          notAMemberReads: await refusal(commands.markRead({ ...as(mallory), upToSeq: 1 })),
          unknownSend: await refusal(send(alice, unknown, 'x2')),
          unknownDelivered: await refusal(
            commands.markDelivered({ ...as(alice, unknown), upToSeq: 0 }),
          ),
          unknownRead: await refusal(commands.markRead({ ...as(alice, unknown), upToSeq: 0 })),
          deliveredBeyondLast: await refusal(commands.markDelivered({ ...as(bob), upToSeq: 3 })),
          readBeyondLast: await refusal(commands.markRead({ ...as(bob), upToSeq: 99 })),
          blankBody: await refusal(send(alice, conversationId, 'x3', '   ')),
          whitespaceBody: await refusal(send(alice, conversationId, 'x4', '\n\t ')),
        };
        expect(outcomes).toEqual({
          notAMemberSends: refused('not_a_member', 403),
          notAMemberDelivers: refused('not_a_member', 403),
          notAMemberReads: refused('not_a_member', 403),
          unknownSend: refused('conversation_not_found', 404),
          unknownDelivered: refused('conversation_not_found', 404),
          unknownRead: refused('conversation_not_found', 404),
          deliveredBeyondLast: refused('seq_out_of_range', 422),
          readBeyondLast: refused('seq_out_of_range', 422),
          blankBody: refused('invalid_body', 422),
          whitespaceBody: refused('invalid_body', 422),
        });

        expect(await harness.storedEvents(conversationId)).toEqual(before);
        expect(await harness.storedEvents(unknown)).toEqual([]);
        // A refused send took neither a seq nor its clientMessageId.
        expect((await send(alice, conversationId, 'x3', 'now with a body')).seq).toBe(3);
        expect(await refusal(send(mallory, conversationId, 'x1'))).toEqual(
          refused('not_a_member', 403),
        );
        expect(await sentSeqs(conversationId)).toEqual([1, 2, 3]);
      });

      it('a member who was refused is still served, and an outsider stays refused after retries', async () => {
        const conversationId = await group(alice, [bob]);
        for (let i = 0; i < 3; i++)
          expect(await refusal(send(carol, conversationId, 'again'))).toEqual(
            refused('not_a_member', 403),
          );
        expect(await refusal(send(bob, conversationId, 'b1', ' '))).toEqual(
          refused('invalid_body', 422),
        );
        expect(await send(bob, conversationId, 'b1')).toEqual({
          messageId: expect.any(String),
          seq: 1,
        });
        expect(await types(conversationId)).toEqual(['ConversationStarted', 'MessageSent']);
      });
    });
  });
}

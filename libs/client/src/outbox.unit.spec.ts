import { Outbox, newClientMessageId } from './outbox';
import { ClientFrame } from './protocol';

describe('Outbox', () => {
  it('keeps the same clientMessageId across resends and resolves once with the ack', async () => {
    const outbox = new Outbox();
    const p = outbox.add({ conversationId: 'c', clientMessageId: 'k1', body: 'hi' });
    const frames: ClientFrame[] = [];
    outbox.flush((f) => frames.push(f) > 0);
    outbox.flush((f) => frames.push(f) > 0);
    expect(frames).toEqual([
      { type: 'send', conversationId: 'c', clientMessageId: 'k1', body: 'hi' },
      { type: 'send', conversationId: 'c', clientMessageId: 'k1', body: 'hi' },
    ]);
    expect(outbox.ack({ conversationId: 'c', clientMessageId: 'k1', messageId: 'm', seq: 1 })).toBe(
      true,
    );
    expect(outbox.ack({ conversationId: 'c', clientMessageId: 'k1', messageId: 'm', seq: 1 })).toBe(
      false,
    );
    await expect(p).resolves.toEqual({
      conversationId: 'c',
      clientMessageId: 'k1',
      messageId: 'm',
      seq: 1,
    });
    expect(outbox.size).toBe(0);
  });

  it('flushes in write order and stops when the connection refuses', () => {
    const outbox = new Outbox();
    for (const id of ['a', 'b', 'c'])
      void outbox.add({ conversationId: 'c', clientMessageId: id, body: id });
    const sent: string[] = [];
    outbox.flush((f) =>
      f.type === 'send' && f.clientMessageId !== 'b' ? sent.push(f.clientMessageId) > 0 : false,
    );
    expect(sent).toEqual(['a']);
  });

  it('rejects the entry named by an error frame ref', async () => {
    const outbox = new Outbox();
    const p = outbox.add({ conversationId: 'c', clientMessageId: 'k', body: '' });
    outbox.fail({ code: 'NOT_A_MEMBER', message: 'no', ref: 'k' });
    await expect(p).rejects.toMatchObject({ code: 'NOT_A_MEMBER' });
  });

  it('generates distinct ids', () => {
    expect(new Set(Array.from({ length: 100 }, newClientMessageId)).size).toBe(100);
  });
});

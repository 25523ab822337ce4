import { parseFrame } from './frame-validator';

describe('parseFrame', () => {
  it('accepts every client frame type', () => {
    const frames = [
      { type: 'send', conversationId: 'c', clientMessageId: 'm1', body: 'hi' },
      {
        type: 'send',
        conversationId: 'c',
        clientMessageId: 'm1',
        body: '',
        attachments: [{ mediaId: 'x', contentType: 'image/png', size: 3 }],
      },
      { type: 'delivered', conversationId: 'c', upToSeq: 3 },
      { type: 'read', conversationId: 'c', upToSeq: 0 },
      { type: 'typing', conversationId: 'c' },
      { type: 'sync', cursors: { c: 0, d: 12 } },
      { type: 'ping' },
    ];
    for (const f of frames) expect(parseFrame(JSON.stringify(f))).toEqual({ ok: true, frame: f });
  });

  it.each([
    ['{nope', 'invalid_json'],
    ['[]', 'invalid_frame'],
    ['"send"', 'invalid_frame'],
    ['null', 'invalid_frame'],
    ['{"body":"x"}', 'invalid_frame'],
    ['{"type":42}', 'invalid_frame'],
    ['{"type":"teleport"}', 'unknown_type'],
    ['{"type":"__proto__"}', 'unknown_type'],
    ['{"type":"send","conversationId":"c","body":"x"}', 'invalid_frame'],
    ['{"type":"read","conversationId":"c","upToSeq":-1}', 'invalid_frame'],
    ['{"type":"read","conversationId":"c","upToSeq":1.5}', 'invalid_frame'],
    ['{"type":"sync","cursors":{"c":"1"}}', 'invalid_frame'],
    ['{"type":"ping","extra":1}', 'invalid_frame'],
  ])('refuses %s with %s', (raw, code) => {
    const result = parseFrame(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe(code);
  });

  it('refuses a body over 100,000 characters and names the clientMessageId as ref', () => {
    const raw = JSON.stringify({
      type: 'send',
      conversationId: 'c',
      clientMessageId: 'm9',
      body: 'x'.repeat(100_001),
    });
    expect(parseFrame(raw)).toMatchObject({ ok: false, code: 'invalid_frame', ref: 'm9' });
  });
});

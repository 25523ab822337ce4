import {
  activityQuery,
  conversationIdPath,
  historyQuery,
  seqPath,
  userIdPath,
} from './audit.schemas';

const bad = (run: () => unknown, message: RegExp) => {
  try {
    run();
  } catch (err) {
    expect(err).toMatchObject({ code: 'invalid_request', status: 400 });
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('accepted');
};

describe('audit API input validation (400 invalid_request naming the field)', () => {
  it('history: fromRevision ≥ 0 and 1 ≤ limit ≤ 500, strings coerced', () => {
    expect(historyQuery({})).toEqual({ fromRevision: 0, limit: 100 });
    expect(historyQuery({ fromRevision: '7', limit: '500' })).toEqual({
      fromRevision: 7,
      limit: 500,
    });
    bad(() => historyQuery({ fromRevision: '-1' }), /query\.fromRevision/);
    bad(() => historyQuery({ limit: '501' }), /query\.limit/);
    bad(() => historyQuery({ limit: 'ten' }), /query\.limit/);
    bad(() => historyQuery({ other: '1' }), /unknown field 'other'/);
  });

  it('activity: from and to required, ISO date-times, to after from, at most 31 days', () => {
    expect(
      activityQuery({ from: '2025-01-01T00:00:00Z', to: '2025-01-31T23:59:59.999+00:00' }),
    ).toEqual({
      fromMs: Date.UTC(2025, 0, 1),
      toMs: Date.UTC(2025, 0, 31, 23, 59, 59, 999),
      limit: 100,
    });
    expect(
      activityQuery({
        from: '2025-01-01T00:00:00Z',
        to: '2025-02-01T00:00:00Z',
        after: '00000000000000000042',
        limit: '3',
      }),
    ).toMatchObject({ after: '00000000000000000042', limit: 3 });
    bad(() => activityQuery({ to: '2025-01-01T00:00:00Z' }), /query\.from: is required/);
    bad(() => activityQuery({ from: '2025-01-01T00:00:00Z' }), /query\.to: is required/);
    bad(() => activityQuery({ from: 'yesterday', to: '2025-01-01T00:00:00Z' }), /query\.from/);
    bad(
      () => activityQuery({ from: '2025-01-02T00:00:00Z', to: '2025-01-01T00:00:00Z' }),
      /must be after/,
    );
    bad(
      () => activityQuery({ from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00.001Z' }),
      /at most 31 days/,
    );
    bad(
      () => activityQuery({ from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', after: '5' }),
      /query\.after/,
    );
  });

  it('paths: conversation id, seq ≥ 1, user id', () => {
    expect(conversationIdPath('abc-123')).toBe('abc-123');
    bad(() => conversationIdPath('a b'), /path\.id/);
    bad(() => conversationIdPath('x'.repeat(65)), /path\.id/);
    expect(seqPath('42')).toBe(42);
    for (const s of ['0', '-1', '1.5', '01', 'x', '99999999999999999'])
      bad(() => seqPath(s), /path\.seq/);
    expect(userIdPath('bob@example.org')).toBe('bob@example.org');
    bad(() => userIdPath('bob smith'), /path\.id/);
  });
});

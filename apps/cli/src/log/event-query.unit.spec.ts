import { padU64 } from '../../../../libs/event-store/src/position';
import { UsageError } from '../cli-error';
import { recorded } from '../testing/recorded-events';
import {
  isEverything,
  matchesQuery,
  NO_QUERY,
  parseEventQuery,
  parseTime,
  storeFilter,
} from './event-query';

const parsePosition = (text: string) => padU64(BigInt(text));

describe('event filters (--stream, --conversation, --type, --actor, --from/--to, --after/--until)', () => {
  const a = recorded(
    1,
    'conversation-c1',
    0,
    'ConversationStarted',
    {},
    {
      actor: 'alice',
      timestamp: '2025-01-01T10:00:00.000Z',
    },
  );
  const b = recorded(
    2,
    'conversation-c1',
    1,
    'MessageSent',
    {},
    {
      actor: 'bob',
      timestamp: '2025-01-02T10:00:00.000Z',
    },
  );
  const c = recorded(
    3,
    'conversation-c10',
    0,
    'MessageSent',
    {},
    {
      actor: 'alice',
      timestamp: '2025-01-03T10:00:00.000Z',
    },
  );
  const all = [a, b, c];
  const selected = (options: Parameters<typeof parseEventQuery>[0]) => {
    const query = parseEventQuery(options, parsePosition);
    return all.filter((e) => matchesQuery(query, e)).map((e) => Number(e.position));
  };

  it('no option selects everything', () => {
    expect(selected({})).toEqual([1, 2, 3]);
    expect(isEverything(parseEventQuery({}, parsePosition))).toBe(true);
    expect(storeFilter(NO_QUERY)).toBeUndefined();
  });

  it('--conversation is its stream, matched exactly (not as a prefix of c10)', () => {
    expect(selected({ conversation: ['c1'] })).toEqual([1, 2]);
    expect(selected({ stream: ['conversation-c10'] })).toEqual([3]);
    expect(selected({ stream: ['conversation-c10'], conversation: ['c1'] })).toEqual([1, 2, 3]);
    // the store may only filter by prefix: a superset, narrowed here
    expect(storeFilter(parseEventQuery({ conversation: ['c1'] }, parsePosition))).toEqual({
      streamPrefixes: ['conversation-c1'],
    });
  });

  it('--type and --actor: any of the values given', () => {
    expect(selected({ type: ['MessageSent'] })).toEqual([2, 3]);
    expect(selected({ type: ['MessageSent', 'ConversationStarted'] })).toEqual([1, 2, 3]);
    expect(selected({ actor: ['alice'] })).toEqual([1, 3]);
    expect(selected({ type: ['MessageSent'], actor: ['alice'] })).toEqual([3]);
  });

  it('--from is inclusive, --to exclusive; a date alone is midnight UTC', () => {
    expect(selected({ from: '2025-01-02T10:00:00Z' })).toEqual([2, 3]);
    expect(selected({ to: '2025-01-02T10:00:00Z' })).toEqual([1]);
    expect(selected({ from: '2025-01-02', to: '2025-01-03' })).toEqual([2]);
  });

  it('--after is exclusive, --until inclusive, in the store’s position form', () => {
    expect(selected({ after: '1' })).toEqual([2, 3]);
    expect(selected({ until: '2' })).toEqual([1, 2]);
    expect(selected({ after: '1', until: '2' })).toEqual([2]);
  });

  it('refuses empty ranges and malformed times as usage errors', () => {
    expect(() => parseEventQuery({ from: '2025-02-01', to: '2025-01-01' }, parsePosition)).toThrow(
      UsageError,
    );
    expect(() => parseEventQuery({ after: '5', until: '5' }, parsePosition)).toThrow(UsageError);
    expect(() => parseTime('yesterday', '--from')).toThrow(
      /--from: "yesterday" is not an ISO 8601/,
    );
    expect(() => parseTime('2025-13-45', '--from')).toThrow(UsageError);
  });

  it('reads times without an offset as UTC, and honours an explicit offset', () => {
    expect(parseTime('2025-01-31 12:00', '--to')).toBe(Date.UTC(2025, 0, 31, 12));
    expect(parseTime('2025-01-31T12:00:00+02:00', '--to')).toBe(Date.UTC(2025, 0, 31, 10));
    expect(parseTime('2025-01-31', '--to')).toBe(Date.UTC(2025, 0, 31));
  });
});

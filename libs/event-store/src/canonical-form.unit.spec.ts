import stringify from 'safe-stable-stringify';
import { EventMetadata } from '../../domain/src';
import { canonicalEvent, genericCanonical } from './canonical-form';

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '',
  'plain',
  'quote " and \\ backslash',
  'line\nbreak\ttab\u0001',
  'é👋',
  '\ud800',
  'x'.repeat(6000),
  '10',
  'toJSON',
];
const SHARED = { shared: true };
const NUMBERS = [0, -0, 1, -2.5, 1e21, 1e-7, NaN, Infinity, Number.MAX_SAFE_INTEGER];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
  const kind = Math.floor(next() * (depth > 2 ? 5 : 9));
  switch (kind) {
    case 0:
      return pick(STRINGS);
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick([true, false, null]);
    case 3:
      return undefined;
    case 4:
      return new Date(Math.floor(next() * 1e12));
    case 5:
    case 6:
      return object(next, depth + 1);
    default:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  }
}

function object(next: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = ['b', 'a', 'Z', '10', '2', 'é', 'a b', 'hash', 'prevHash', 'toJSON'];
  for (const key of keys)
    if (next() < 0.35) out[key] = key === 'toJSON' ? () => 'j' : value(next, depth);
  if (next() < 0.05) out.self = out;
  if (next() < 0.05) out.shared = SHARED;
  return out;
}

const plainMetadata = (): EventMetadata => ({
  eventId: 'e-1',
  schemaVersion: 1,
  correlationId: 'c "1"',
  causationId: 'c',
  actor: 'alice\u0000',
  timestamp: '2025-01-01T00:00:00.000Z',
});

function metadataVariant(next: () => number): EventMetadata {
  const m = plainMetadata() as unknown as Record<string, unknown>;
  const variant = Math.floor(next() * 10);
  if (variant === 1) m.hash = 'forged';
  if (variant === 2) m.extra = value(next, 0);
  if (variant === 3) m.schemaVersion = '1';
  if (variant === 4) delete m.actor;
  if (variant === 5) m.eventId = undefined;
  if (variant === 6) Object.defineProperty(m, 'actor', { value: 'hidden', enumerable: false });
  if (variant === 7) m.extra = m;
  if (variant === 8) {
    // Six own enumerable keys, but not the six of EventMetadata.
    Object.defineProperty(m, 'actor', { value: 'hidden', enumerable: false });
    m.zzz = 'extra';
  }
  return m as unknown as EventMetadata;
}

describe('canonical form', () => {
  it('is byte-for-byte safe-stable-stringify of the whole envelope, for 5,000 varied events', () => {
    const next = random(42);
    for (let i = 0; i < 5_000; i++) {
      const data = (next() < 0.9 ? object(next, 0) : value(next, 0)) as object;
      const metadata = metadataVariant(next);
      const args = ['conversation-1', i, 'MessageSent', data, metadata, 'f'.repeat(64)] as const;
      expect(canonicalEvent(...args)).toBe(genericCanonical(...args));
    }
  });

  it('the generic form is key-sorted JSON with prevHash and without hash', () => {
    const metadata = { ...plainMetadata(), hash: 'dropped' } as EventMetadata;
    const text = genericCanonical('s', 3, 'T', { b: 1, a: [undefined, 'x'] }, metadata, 'p');
    expect(text).toBe(
      stringify({
        data: { a: [null, 'x'], b: 1 },
        metadata: { ...plainMetadata(), prevHash: 'p' },
        revision: 3,
        streamId: 's',
        type: 'T',
      }),
    );
    expect(text.startsWith('{"data":{"a":[null,"x"],"b":1},"metadata":{"actor":')).toBe(true);
  });

  it('circular data is written the same way on both paths', () => {
    const data: Record<string, unknown> = { a: 1 };
    data.self = data;
    const args = ['s', 0, 'T', data, plainMetadata(), 'p'] as const;
    expect(canonicalEvent(...args)).toBe(genericCanonical(...args));
    expect(canonicalEvent(...args)).toContain('"self":"[Circular: 1]"');
  });
});

import { toJsonValue } from './json-values';

describe("DuckDB's JS values as JSON", () => {
  it('BIGINTs are numbers while safe, strings beyond', () => {
    expect(toJsonValue(42n)).toBe(42);
    expect(toJsonValue(2n ** 64n)).toBe('18446744073709551616');
  });

  it('timestamps are ISO strings, JSON columns parsed, blobs base64, nested values converted', () => {
    expect(toJsonValue(new Date(Date.UTC(2025, 0, 1)))).toBe('2025-01-01T00:00:00.000Z');
    expect(toJsonValue('{"a":1}', 'JSON')).toEqual({ a: 1 });
    expect(toJsonValue('{"a":1}', 'VARCHAR')).toBe('{"a":1}');
    expect(toJsonValue(Uint8Array.of(1, 2, 3))).toBe('AQID');
    expect(toJsonValue({ n: 1n, list: [2n, null] })).toEqual({ n: 1, list: [2, null] });
    expect(toJsonValue(undefined)).toBeNull();
    expect(toJsonValue(Number.NaN)).toBe('NaN');
  });
});

/**
 * DuckDB's JS values (as `yieldRowsJs` returns them) as plain JSON: BIGINT and HUGEINT become
 * numbers when they are safe integers and decimal strings otherwise, TIMESTAMPs ISO 8601
 * strings, BLOBs base64, a JSON column its parsed value; lists and structs recursively. Pure.
 */
export function toJsonValue(value: unknown, typeName?: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeName === 'JSON' && typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  switch (typeof value) {
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v));
  if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJsonValue(v);
    return out;
  }
  return String(value);
}

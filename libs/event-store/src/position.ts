/**
 * A position in the global log, opaque to everything but the store that made it: a string
 * whose plain string order (`<`, `>`) is log order. Each adapter encodes its native position
 * with fixed-width fields so that this holds (LMDB: the zero-padded log key; PostgreSQL: the
 * padded global sequence; EventStoreDB: padded commit and prepare). Strings travel through
 * JSON, worker threads and checkpoint tables unchanged.
 */
export type Position = string;

/** Before every event: reading or subscribing after START starts at the beginning. */
export const START: Position = '';

/** True when `a` comes after `b` in the log. */
export const isAfter = (a: Position, b: Position): boolean => a > b;

export const maxPosition = (a: Position, b: Position): Position => (a > b ? a : b);

/** Width of a decimal-encoded unsigned 64-bit integer. */
const U64_DIGITS = 20;

/** Fixed-width decimal form of a non-negative integer (number or bigint), for adapters. */
export const padU64 = (n: number | bigint | string): string =>
  n.toString().padStart(U64_DIGITS, '0');

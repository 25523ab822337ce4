import { START as ESDB_START, type Position as EsdbPosition } from '@eventstore/db-client';
import { padU64, Position, START } from '../position';

/** The largest u64: EventStoreDB reports it (as -1 on the server side) for "no position". */
export const U64_MAX = 2n ** 64n - 1n;

const ENCODED = /^(\d{20})\/(\d{20})$/;

/**
 * A `$all` position `{ commit, prepare }` as the port's opaque string: both u64 fields
 * zero-padded to 20 digits, commit first, so plain string order is `$all` order (commit, then
 * prepare). Example: `{ commit: 4242n, prepare: 4242n }` → `00000000000000004242/00000000000000004242`.
 */
export function encodePosition({ commit, prepare }: EsdbPosition): Position {
  assertU64(commit, 'commit');
  assertU64(prepare, 'prepare');
  return `${padU64(commit)}/${padU64(prepare)}`;
}

/** The inverse of encodePosition; START (before everything) becomes the client's START. */
export function decodePosition(position: Position): EsdbPosition | typeof ESDB_START {
  if (position === START) return ESDB_START;
  const match = ENCODED.exec(position);
  if (!match) throw new TypeError(`not an EventStoreDB position: ${JSON.stringify(position)}`);
  const decoded = { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
  assertU64(decoded.commit, 'commit');
  assertU64(decoded.prepare, 'prepare');
  return decoded;
}

/**
 * False for the values the server and client use for "no position": u64 max (the server's -1,
 * e.g. stream reads on servers before 22.6) and 0/0 (an unset protobuf field; no event can sit
 * at log position 0, where the first chunk's epoch record is).
 */
export function isReportedPosition(position: EsdbPosition | undefined): position is EsdbPosition {
  if (!position) return false;
  const { commit, prepare } = position;
  if (commit === U64_MAX || prepare === U64_MAX) return false;
  return !(commit === 0n && prepare === 0n);
}

function assertU64(value: bigint, field: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
    throw new RangeError(`EventStoreDB ${field} position out of u64 range: ${String(value)}`);
  }
}

import type { Pool } from 'pg';
import { DuplicateEventIdError } from '../duplicate-event-id.error';
import { AppendResult, ExpectedRevision, WrongExpectedRevisionError } from '../event-store.port';
import { AppendOutcome } from './append-batch-function';
import { EncodedEvent, toPosition } from './event-rows';
import { SchemaNames } from './schema-names';

/** One append waiting for its batch. */
export interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: EncodedEvent[];
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

interface OutcomeRow {
  o_outcome: number;
  o_revision: string | null;
  o_position: string | null;
  o_event_id: string | null;
  o_stream_id: string | null;
}

/** append_batch's encoding of an expected revision (validated here, before queuing). */
export function encodeExpected(expected: ExpectedRevision): number | null {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return -1;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) {
    return expected;
  }
  throw new TypeError(
    `expected revision must be 'any', 'no_stream' or a revision, got ${expected}`,
  );
}

/**
 * Executes one batch as a single `append_batch` statement (its own transaction, committed
 * with synchronous_commit as configured on the server: on, so the reply means durable) and
 * settles each append with its own outcome. If the statement fails (connection lost, timeout,
 * server error) every append of the batch rejects: whether it committed is then unknown, and
 * the writer's retry with the same event ids resolves it (idempotent retry).
 */
export function batchExecutor(pool: Pool, names: SchemaNames) {
  const sql =
    'SELECT o_outcome, o_revision, o_position, o_event_id, o_stream_id FROM ' +
    `${names.q('append_batch')}($1::text[], $2::int8[], $3::int4[], $4::int4[], ` +
    '$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean)';

  return async (batch: PendingAppend[]): Promise<void> => {
    const streams: string[] = [];
    const expected: (number | null)[] = [];
    const counts: number[] = [];
    const previous: number[] = [];
    const ids: string[] = [];
    const types: string[] = [];
    const data: string[] = [];
    const metadata: string[] = [];
    const hashes: string[] = [];
    const lastAppendTo = new Map<string, number>();
    const seenIds = new Set<string>();
    let idsRepeat = false;
    batch.forEach((append, i) => {
      streams.push(append.streamId);
      expected.push(encodeExpected(append.expected));
      counts.push(append.events.length);
      previous.push(lastAppendTo.get(append.streamId) ?? 0);
      lastAppendTo.set(append.streamId, i + 1); // 1-based, as SQL arrays
      for (const e of append.events) {
        // Ids are distinct within an append (encodeEvents), so a repeat is across appends.
        if (seenIds.has(e.id)) idsRepeat = true;
        seenIds.add(e.id);
        ids.push(e.id);
        types.push(e.type);
        data.push(e.data);
        metadata.push(e.metadata);
        hashes.push(e.hash);
      }
    });
    let rows: OutcomeRow[];
    try {
      ({ rows } = await pool.query<OutcomeRow>(sql, [
        streams,
        expected,
        counts,
        previous,
        ids,
        types,
        data,
        metadata,
        hashes,
        idsRepeat,
      ]));
    } catch (err) {
      const failure = new Error(
        `append failed (${(err as Error).message}); it may or may not have been committed: ` +
          'retry it with the same event ids',
        { cause: err },
      );
      for (const append of batch) append.reject(failure);
      return;
    }
    batch.forEach((append, i) => settle(append, rows[i]));
  };
}

function settle(append: PendingAppend, row: OutcomeRow | undefined): void {
  if (!row) {
    append.reject(new Error('append_batch returned no outcome for this append'));
    return;
  }
  switch (row.o_outcome) {
    case AppendOutcome.Appended:
    case AppendOutcome.Retry:
      append.resolve({
        nextExpectedRevision: Number(row.o_revision),
        position: toPosition(row.o_position!),
      });
      return;
    case AppendOutcome.WrongExpectedRevision: {
      const actual = Number(row.o_revision);
      append.reject(
        new WrongExpectedRevisionError(
          append.streamId,
          append.expected,
          actual < 0 ? 'no_stream' : actual,
        ),
      );
      return;
    }
    case AppendOutcome.DuplicateEventId:
      append.reject(new DuplicateEventIdError(row.o_event_id!, row.o_stream_id!));
      return;
    default:
      append.reject(new Error(`append_batch returned an unknown outcome ${row.o_outcome}`));
  }
}

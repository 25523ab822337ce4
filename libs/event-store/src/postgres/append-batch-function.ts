import { SchemaNames } from './schema-names';

/** Outcome codes returned per append by `append_batch`, in the order of the appends. */
export const AppendOutcome = {
  Appended: 0,
  /** The same event ids are already stored right after the expected revision. */
  Retry: 1,
  WrongExpectedRevision: 2,
  DuplicateEventId: 3,
} as const;

/**
 * `append_batch`: one transaction (one statement, one round trip, one commit and WAL flush)
 * applying many appends, each with its own checks, so one append's conflict never fails the
 * others. Appends are parallel arrays (`p_expected`: NULL = 'any', -1 = 'no_stream';
 * `p_prev`: index of the batch's previous append to the same stream, 0 if none); their events
 * are concatenated in the event arrays, `p_counts[i]` of them per append. `p_ids_repeat` says
 * that an event id occurs in more than one append of the batch.
 *
 * Global order: the whole transaction runs under one advisory lock (held until after its
 * commit is visible), so appends commit one transaction at a time and positions are dense and
 * committed in order: whoever sees position p also sees everything below it. READ COMMITTED
 * gives each statement a fresh snapshot, so the statements after the lock see the previous
 * holder's commit. (NOTIFY in the transaction takes a cluster-wide lock until after commit
 * anyway: commits that notify are serialised by PostgreSQL itself.)
 *
 * The usual batch (no id already stored, none repeated) takes a set-based fast path: one
 * lookup of all ids, one of all heads, the checks in memory, one INSERT; a constant number of
 * statements per batch. Otherwise `append_batch_checked` decides append by append.
 *
 * `SET enable_seqscan = off`: PL/pgSQL caches each statement's plan per session, and a plan
 * made while the table was small (a fresh store) is a sequential scan that would then be kept
 * as the table grows (seen: 30 ms per batch at 20,000 events). Every statement here is an
 * index lookup, so the functions forbid the alternative.
 * NOTIFY is queued once if anything was written; listeners get it at commit.
 */
export function appendBatchFunction(n: SchemaNames): string {
  const [lockClass, lockObject] = n.appendLock;
  return `
${appendBatchChecked(n)};
CREATE OR REPLACE FUNCTION ${n.q('append_batch')}(
  p_streams text[], p_expected bigint[], p_counts int[], p_prev int[],
  p_ids text[], p_types text[], p_data text[], p_metadata text[], p_hashes text[],
  p_ids_repeat boolean)
RETURNS TABLE (o_outcome int, o_revision bigint, o_position bigint, o_event_id text, o_stream_id text)
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off
AS $fn$
DECLARE
  v_first_position bigint;
  v_next bigint;
  v_events int := coalesce(array_length(p_ids, 1), 0);
  v_before bigint[];
  v_after bigint[];
  v_positions bigint[];
  v_revisions bigint[];
  v_event_streams text[];
  v_lo int;
  v_hi int := 0;
  v_head bigint;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'append_batch runs in READ COMMITTED only (it reads the commits made before its lock)';
  END IF;
  PERFORM pg_advisory_xact_lock(${lockClass}, ${lockObject});
  SELECT coalesce(max(e.global_position), 0) + 1 INTO v_first_position FROM ${n.q('events')} e;
  IF p_ids_repeat OR EXISTS (SELECT 1 FROM ${n.q('events')} e WHERE e.event_id = ANY (p_ids)) THEN
    RETURN QUERY SELECT * FROM ${n.q('append_batch_checked')}(
      v_first_position, p_streams, p_expected, p_counts, p_ids, p_types, p_data, p_metadata, p_hashes);
    RETURN;
  END IF;

  SELECT array_agg(coalesce(x.head, -1) ORDER BY u.k) INTO v_before
    FROM unnest(p_streams) WITH ORDINALITY AS u(stream_id, k)
    LEFT JOIN LATERAL (
      SELECT e.revision AS head FROM ${n.q('events')} e
      WHERE e.stream_id = u.stream_id ORDER BY e.revision DESC LIMIT 1) x ON true;
  v_after := v_before;
  v_positions := array_fill(NULL::bigint, ARRAY[v_events]);
  v_revisions := array_fill(NULL::bigint, ARRAY[v_events]);
  v_event_streams := array_fill(NULL::text, ARRAY[v_events]);
  v_next := v_first_position;
  FOR i IN 1 .. coalesce(array_length(p_streams, 1), 0) LOOP
    v_lo := v_hi + 1;
    v_hi := v_hi + p_counts[i];
    v_head := CASE WHEN p_prev[i] > 0 THEN v_after[p_prev[i]] ELSE v_before[i] END;
    o_event_id := NULL; o_stream_id := NULL;
    IF p_expected[i] IS NOT NULL AND p_expected[i] <> v_head THEN
      v_after[i] := v_head;
      o_outcome := ${AppendOutcome.WrongExpectedRevision}; o_revision := v_head; o_position := NULL;
    ELSE
      FOR k IN v_lo .. v_hi LOOP
        v_positions[k] := v_next + (k - v_lo);
        v_revisions[k] := v_head + 1 + (k - v_lo);
        v_event_streams[k] := p_streams[i];
      END LOOP;
      v_next := v_next + p_counts[i];
      v_after[i] := v_head + p_counts[i];
      o_outcome := ${AppendOutcome.Appended}; o_revision := v_after[i]; o_position := v_next - 1;
    END IF;
    RETURN NEXT;
  END LOOP;
  IF v_next > v_first_position THEN
    INSERT INTO ${n.q('events')}
      (global_position, stream_id, revision, event_id, type, data, metadata, hash)
    SELECT u.pos, u.stream_id, u.rev, u.id, u.t, u.d::json, u.m::json, u.h
      FROM unnest(v_positions, v_event_streams, v_revisions, p_ids, p_types, p_data, p_metadata, p_hashes)
           AS u(pos, stream_id, rev, id, t, d, m, h)
     WHERE u.pos IS NOT NULL;
    PERFORM pg_notify('${n.channel}', (v_next - 1)::text);
  END IF;
END
$fn$`;
}

/**
 * `append_batch_checked`: the general path, append by append, for batches where some id is
 * already stored (retries, duplicates) or repeated across appends. Decides exactly as the LMDB
 * adapter (idempotency.ts):
 * - first event id stored in another stream → duplicate;
 * - stored at the revision this append would write (right after `expected`; anywhere for
 *   'any') → a retry when all its events are stored there in order, the very same ones (same
 *   ids and hashes: another event under a stored id is no retry, or its writer would chain on
 *   a hash the log does not hold); it returns the original last revision and position. Else
 *   duplicate;
 * - otherwise the expected revision is checked against the head (→ wrong revision, with the
 *   actual head, -1 = no stream), then every id must be unused (→ duplicate);
 * - then the events are inserted at head + 1… and positions next….
 * Appends later in the batch see the earlier ones' rows (same transaction). Runs under
 * append_batch's lock, from position `p_first_position`.
 */
function appendBatchChecked(n: SchemaNames): string {
  return `
CREATE OR REPLACE FUNCTION ${n.q('append_batch_checked')}(
  p_first_position bigint, p_streams text[], p_expected bigint[], p_counts int[],
  p_ids text[], p_types text[], p_data text[], p_metadata text[], p_hashes text[])
RETURNS TABLE (o_outcome int, o_revision bigint, o_position bigint, o_event_id text, o_stream_id text)
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off
AS $fn$
DECLARE
  v_next bigint := p_first_position;
  v_lo int;
  v_hi int := 0;
  v_stream text;
  v_expected bigint;
  v_count int;
  v_from bigint;
  v_head bigint;
  v_found boolean;
  v_first_stream text;
  v_first_revision bigint;
  v_dup_id text;
  v_dup_stream text;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_streams, 1), 0) LOOP
    v_stream := p_streams[i];
    v_expected := p_expected[i];
    v_count := p_counts[i];
    v_lo := v_hi + 1;
    v_hi := v_hi + v_count;
    o_revision := NULL; o_position := NULL; o_event_id := NULL; o_stream_id := NULL;

    SELECT e.stream_id, e.revision INTO v_first_stream, v_first_revision
      FROM ${n.q('events')} e WHERE e.event_id = p_ids[v_lo];
    v_found := FOUND;
    IF v_found THEN
      IF v_first_stream <> v_stream THEN
        o_outcome := ${AppendOutcome.DuplicateEventId}; o_event_id := p_ids[v_lo]; o_stream_id := v_first_stream;
        RETURN NEXT; CONTINUE;
      END IF;
      v_from := coalesce(v_expected + 1, v_first_revision);
      IF v_first_revision = v_from THEN
        SELECT count(*), max(e.revision), max(e.global_position) INTO v_count, o_revision, o_position
          FROM unnest(p_ids[v_lo:v_hi], p_hashes[v_lo:v_hi]) WITH ORDINALITY AS u(id, h, k)
          JOIN ${n.q('events')} e
            ON e.event_id = u.id AND e.hash = u.h
           AND e.stream_id = v_stream AND e.revision = v_from + u.k - 1;
        IF v_count = v_hi - v_lo + 1 THEN
          o_outcome := ${AppendOutcome.Retry};
        ELSE
          o_outcome := ${AppendOutcome.DuplicateEventId}; o_event_id := p_ids[v_lo]; o_stream_id := v_stream;
          o_revision := NULL; o_position := NULL;
        END IF;
        RETURN NEXT; CONTINUE;
      END IF;
    END IF;

    SELECT e.revision INTO v_head FROM ${n.q('events')} e
      WHERE e.stream_id = v_stream ORDER BY e.revision DESC LIMIT 1;
    IF NOT FOUND THEN v_head := -1; END IF;
    IF v_expected IS NOT NULL AND v_expected <> v_head THEN
      o_outcome := ${AppendOutcome.WrongExpectedRevision}; o_revision := v_head;
      RETURN NEXT; CONTINUE;
    END IF;
    IF v_found THEN
      o_outcome := ${AppendOutcome.DuplicateEventId}; o_event_id := p_ids[v_lo]; o_stream_id := v_first_stream;
      RETURN NEXT; CONTINUE;
    END IF;
    IF v_count > 1 THEN
      SELECT e.event_id, e.stream_id INTO v_dup_id, v_dup_stream
        FROM ${n.q('events')} e WHERE e.event_id = ANY (p_ids[v_lo + 1:v_hi]) LIMIT 1;
      IF FOUND THEN
        o_outcome := ${AppendOutcome.DuplicateEventId}; o_event_id := v_dup_id; o_stream_id := v_dup_stream;
        RETURN NEXT; CONTINUE;
      END IF;
    END IF;

    INSERT INTO ${n.q('events')}
      (global_position, stream_id, revision, event_id, type, data, metadata, hash)
    SELECT v_next + u.k - 1, v_stream, v_head + u.k, u.id, u.t, u.d::json, u.m::json, u.h
      FROM unnest(p_ids[v_lo:v_hi], p_types[v_lo:v_hi], p_data[v_lo:v_hi],
                  p_metadata[v_lo:v_hi], p_hashes[v_lo:v_hi])
           WITH ORDINALITY AS u(id, t, d, m, h, k);
    v_next := v_next + v_count;
    o_outcome := ${AppendOutcome.Appended}; o_revision := v_head + v_count; o_position := v_next - 1;
    RETURN NEXT;
  END LOOP;
  IF v_next > p_first_position THEN
    PERFORM pg_notify('${n.channel}', (v_next - 1)::text);
  END IF;
END
$fn$`;
}

// Global-order strategies for a PostgreSQL event log, measured on raw SQL (no adapter):
//   lock        one pg_advisory_xact_lock around every append transaction, dense positions,
//               NOTIFY inside (what PostgresEventStore does)
//   lock-quiet  the same without NOTIFY
//   xid         Emmett's: no global lock, sequence positions + transaction_id xid8 (readers
//               would filter on pg_snapshot_xmin), NOTIFY inside. Writers here use disjoint
//               streams, so no conflict handling is needed.
//   xid-quiet   the same without NOTIFY. NOTIFY takes a cluster-wide lock held until after
//               commit (async.c PreCommit_Notify), which serialises commits by itself.
// Each of C connections loops: one statement = one transaction appending B single-event
// appends (synchronous_commit on). Reports appends/s and commits/s per (C, B); the cells are
// run BENCH_ROUNDS times (default 2) in alternation and every run is printed.
// Usage: DATABASE_URL=postgres://… node bench/pg-ordering.js [seconds per cell]
'use strict';
const { randomUUID } = require('node:crypto');
const { Pool } = require('pg');

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL');
const SECONDS = Number(process.argv[2] ?? 4);
const SCHEMA = `bench_ordering_${process.pid}`;

const common = `
CREATE SCHEMA ${SCHEMA};
SET search_path = ${SCHEMA};
CREATE TABLE events (
  position bigint NOT NULL,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL, revision bigint NOT NULL, event_id text NOT NULL UNIQUE,
  type text NOT NULL, canonical text NOT NULL, hash text NOT NULL,
  PRIMARY KEY (position), UNIQUE (stream_id, revision));
CREATE SEQUENCE position_seq;
CREATE INDEX events_xid ON events (transaction_id, position);
`;

// One function per strategy; p_streams[i] gets one event (ids/canonical/hash at i).
const fn = (name, { lock, notify }) => `
CREATE FUNCTION ${name}(p_streams text[], p_ids text[], p_types text[], p_canon text[], p_hashes text[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_next bigint;
  v_head bigint;
  v_found text;
BEGIN
  ${
    lock
      ? `PERFORM pg_advisory_xact_lock(4242);
  SELECT coalesce(max(position), 0) + 1 INTO v_next FROM events;`
      : ''
  }
  FOR i IN 1 .. coalesce(array_length(p_streams, 1), 0) LOOP
    SELECT e.stream_id INTO v_found FROM events e WHERE e.event_id = p_ids[i];
    IF FOUND THEN CONTINUE; END IF;
    SELECT e.revision INTO v_head FROM events e WHERE e.stream_id = p_streams[i]
      ORDER BY e.revision DESC LIMIT 1;
    v_head := coalesce(v_head, -1);
    INSERT INTO events (position, stream_id, revision, event_id, type, canonical, hash)
    VALUES (${lock ? 'v_next' : "nextval('position_seq')"}, p_streams[i], v_head + 1, p_ids[i],
            p_types[i], p_canon[i], p_hashes[i]);
    ${lock ? 'v_next := v_next + 1;' : ''}
  END LOOP;
  ${notify ? `PERFORM pg_notify('${SCHEMA}', '');` : ''}
  RETURN 0;
END $$;`;

const STRATEGIES = {
  lock: 'append_lock',
  'lock-quiet': 'append_lock_quiet',
  xid: 'append_xid',
  'xid-quiet': 'append_xid_quiet',
};

function batch(worker, size, streamsPerWorker) {
  const streams = [];
  const ids = [];
  const types = [];
  const canon = [];
  const hashes = [];
  for (let i = 0; i < size; i++) {
    const stream = `conversation-w${worker}-${Math.floor(Math.random() * streamsPerWorker)}`;
    const id = randomUUID();
    streams.push(stream);
    ids.push(id);
    types.push('MessageSent');
    canon.push(
      JSON.stringify({
        data: { body: 'x'.repeat(120), clientMessageId: randomUUID(), senderId: 'u1', seq: 1 },
        metadata: { actor: 'u1', eventId: id, prevHash: '0'.repeat(64), schemaVersion: 1 },
        revision: 0,
        streamId: stream,
        type: 'MessageSent',
      }),
    );
    hashes.push('f'.repeat(64));
  }
  return [streams, ids, types, canon, hashes];
}

async function cell(pool, strategy, connections, size) {
  await pool.query(`TRUNCATE ${SCHEMA}.events; ALTER SEQUENCE ${SCHEMA}.position_seq RESTART`);
  const until = Date.now() + SECONDS * 1000;
  let appends = 0;
  let commits = 0;
  const sql = `SELECT ${SCHEMA}.${STRATEGIES[strategy]}($1, $2, $3, $4, $5)`;
  await Promise.all(
    Array.from({ length: connections }, async (_, w) => {
      const client = await pool.connect();
      try {
        while (Date.now() < until) {
          await client.query(sql, batch(w, size, Math.ceil(500 / connections)));
          appends += size;
          commits++;
        }
      } finally {
        client.release();
      }
    }),
  );
  return {
    appendsPerSec: Math.round(appends / SECONDS),
    commitsPerSec: Math.round(commits / SECONDS),
  };
}

async function main() {
  const pool = new Pool({ connectionString: url, max: 16 });
  await pool.query(common);
  await pool.query(
    `SET search_path = ${SCHEMA}; ${fn('append_lock', { lock: true, notify: true })}`,
  );
  await pool.query(
    `SET search_path = ${SCHEMA}; ${fn('append_lock_quiet', { lock: true, notify: false })}`,
  );
  await pool.query(
    `SET search_path = ${SCHEMA}; ${fn('append_xid', { lock: false, notify: true })}`,
  );
  await pool.query(
    `SET search_path = ${SCHEMA}; ${fn('append_xid_quiet', { lock: false, notify: false })}`,
  );
  for (const name of Object.values(STRATEGIES))
    await pool.query(
      `ALTER FUNCTION ${SCHEMA}.${name}(text[], text[], text[], text[], text[]) SET search_path = ${SCHEMA}`,
    );
  const rows = [];
  try {
    const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
    for (let round = 0; round < rounds; round++) {
      for (const size of [1, 10, 50]) {
        for (const connections of [1, 4, 8]) {
          for (const strategy of Object.keys(STRATEGIES)) {
            const r = await cell(pool, strategy, connections, size);
            const load = Number(require('node:os').loadavg()[0].toFixed(1));
            rows.push({ round, strategy, connections, batch: size, ...r, load });
            console.log(JSON.stringify(rows[rows.length - 1]));
          }
        }
      }
    }
  } finally {
    await pool.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await pool.end();
  }
  console.table(rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

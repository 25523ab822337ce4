// The 1,000,000-message conversation: built through the command path, then cold-loaded.
//
// 1. build (a child process of its own): opens an LMDB event store and drives the app's own
//    handleConversationCommand (dist/) with a StreamCache and snapshots every 500 events (the
//    app's SNAPSHOT_EVERY), sending BENCH_MESSAGES (1,000,000) messages into ONE direct
//    conversation, BENCH_IN_FLIGHT (200) commands in flight, each exactly as the SendMessage
//    handler builds it (messageId, clientMessageId, idempotency by sentEventId). Samples RSS,
//    RssAnon (/proc/self/status) and the V8 heap every 100,000 messages.
// 2. cold (BENCH_COLD_RUNS = 5 fresh child processes, one after the other): opens the store and
//    times the first load of the conversation (new StreamCache(store, store.snapshots).get),
//    with the process's RssAnon / heap before and after; then sends a retry of the very first
//    clientMessageId through handleConversationCommand with the handler's idempotency option and
//    checks that it answers the original {messageId, seq: 1} and that nothing was appended.
//    Then (BENCH_WORST=1, default) the conversation grows by the few messages that put its last
//    snapshot 499 events back (the most a load folds) and the 5 cold loads run again.
// 3. PostgreSQL (BENCH_PG=1, default on when DATABASE_URL is set): the same conversation in
//    schema bench_cold (dropped and re-created): the LMDB-built events (made by the command path
//    above) are appended as they are in appends of 1,000 events at their expected revisions
//    (the command path on PostgreSQL appends one command at a time per stream: 1M sends that way
//    would take hours here), then the stream is loaded once with no snapshot (the whole fold),
//    BENCH_PG_TAIL (1,000) more messages go through handleConversationCommand on PostgreSQL
//    (which saves its snapshots), and the same cold load + retry runs in fresh processes.
//
// Usage: npm run build && node bench/cold-load.js
//   BENCH_MESSAGES (1000000) BENCH_IN_FLIGHT (200) BENCH_COLD_RUNS (5) BENCH_DIR (a new temp dir;
//   an existing built dir with its manifest.json is reused) BENCH_PG (1) BENCH_PG_MESSAGES (all)
//   BENCH_PG_TAIL (1000) BENCH_RAW=docs/benchmarks-pg-raw.json (merge figures under "coldLoad")
'use strict';
const { spawnSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { existsSync, mkdtempSync, readFileSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join, resolve } = require('node:path');
const { median } = require('./lib/stats');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 200);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const SNAPSHOT_EVERY = 500; // apps/command-api/src/conversation/conversation-commands.service.ts
const SAMPLE_EVERY = Math.max(1, Math.min(100_000, Math.floor(MESSAGES / 10)));
const PG_SCHEMA = 'bench_cold';
const PG_COPY_BATCH = 1_000;
const PG_TAIL = Number(process.env.BENCH_PG_TAIL ?? 1_000);

const app = () => ({
  ...require(join(DIST, 'apps/command-api/src/conversation/handle-command.js')),
  ...require(join(DIST, 'apps/command-api/src/conversation/stream-cache.js')),
  ...require(join(DIST, 'apps/command-api/src/conversation/idempotent-send.js')),
  ...require(join(DIST, 'libs/domain/src/index.js')),
});
const quietLogger = () => require('pino')({ level: 'warn' });

/** RSS, RssAnon, RssFile (KiB, /proc/self/status) and the V8 heap (KiB). */
function memory() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]);
  const m = process.memoryUsage();
  return {
    rssKiB: kib('VmRSS'),
    rssAnonKiB: kib('RssAnon'),
    rssFileKiB: kib('RssFile'),
    heapUsedKiB: Math.round(m.heapUsed / 1024),
    heapTotalKiB: Math.round(m.heapTotal / 1024),
    externalKiB: Math.round(m.external / 1024),
    arrayBuffersKiB: Math.round(m.arrayBuffers / 1024),
  };
}

const gc = () => global.gc?.();

/** The wiring of ConversationCommandRunner (conversation-commands.service.ts), without metrics. */
function commandDeps(a, store, snapshots, outcomes) {
  return {
    store,
    snapshots,
    cache: new a.StreamCache(store, snapshots),
    policy: a.defaultPolicy,
    snapshotEvery: SNAPSHOT_EVERY,
    record: (type, outcome) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1),
    snapshotFailed: (err) => {
      throw err;
    },
  };
}

/** A send exactly as send-message.handler.ts builds it (command, reply, idempotency). */
function send(a, deps, conversationId, actor, clientMessageId, body) {
  const messageId = randomUUID();
  const data = { conversationId, messageId, clientMessageId, actor, body, attachments: [], now: new Date().toISOString() };
  const idempotency = {
    eventId: a.sentEventId(conversationId, actor, clientMessageId),
    replay: ({ data: original }) => ({ messageId: original.messageId, seq: original.seq }),
  };
  return a.handleConversationCommand(
    deps,
    { type: 'SendMessage', data },
    { actor, correlationId: randomUUID() },
    (state) => ({ messageId, seq: state.status === 'active' ? state.lastSeq : 0 }),
    idempotency,
  );
}

const MEMBERS = ['alice', 'bob'];
const bodyOf = (i) => `message ${i}: an ordinary chat message of a few words`;

/** Sends messages [from, to) into the conversation, `inFlight` at a time; onProgress(done). */
async function sendMany(a, deps, conversationId, from, to, inFlight, onProgress) {
  let next = from;
  let done = 0;
  const replies = new Map();
  const worker = async () => {
    while (next < to) {
      const i = next++;
      const reply = await send(a, deps, conversationId, MEMBERS[i % 2], `cm-${i}`, bodyOf(i));
      if (i === from) replies.set(i, reply);
      done++;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, to - from) }, worker));
  return replies.get(from);
}

// ---------------------------------------------------------------- child: build on LMDB

async function buildLmdb({ dir }) {
  const a = app();
  const { LmdbEventStore } = require(join(DIST, 'libs/event-store/src/lmdb/lmdb-event-store.js'));
  const store = LmdbEventStore.open(dir, { logger: quietLogger() });
  const outcomes = {};
  const deps = commandDeps(a, store, store.snapshots, outcomes);
  const conversationId = `cold-${randomUUID()}`;
  const [alice, bob] = MEMBERS;
  await a.handleConversationCommand(
    deps,
    { type: 'StartConversation', data: { conversationId, kind: 'direct', members: [bob], actor: alice, now: new Date().toISOString() } },
    { actor: alice, correlationId: randomUUID() },
    () => undefined,
  );
  gc();
  const samples = [{ messages: 0, seconds: 0, ...memory() }];
  const started = process.hrtime.bigint();
  let lastT = started;
  const pending = [];
  const first = await sendMany(a, deps, conversationId, 0, MESSAGES, IN_FLIGHT, (done) => {
    if (done % SAMPLE_EVERY !== 0) return;
    const now = process.hrtime.bigint();
    const sample = { messages: done, seconds: Number(now - started) / 1e9, sendsPerSec: Math.round(SAMPLE_EVERY / (Number(now - lastT) / 1e9)), ...memory() };
    lastT = now;
    samples.push(sample);
    pending.push(sample);
    process.stderr.write(`  ${done} messages, ${sample.sendsPerSec}/s, RSS ${Math.round(sample.rssKiB / 1024)} MiB, RssAnon ${Math.round(sample.rssAnonKiB / 1024)} MiB, heap ${Math.round(sample.heapUsedKiB / 1024)} MiB\n`);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const streamId = a.conversationStreamId(conversationId);
  const entry = await deps.cache.get(streamId);
  await store.close();
  const manifest = {
    dir,
    conversationId,
    streamId,
    messages: MESSAGES,
    revision: entry.revision,
    lastSeq: entry.state.lastSeq,
    lastSnapshotRevision: entry.snapshotRevision,
    first: { actor: MEMBERS[0], clientMessageId: 'cm-0', ...first },
    build: { seconds, sendsPerSec: MESSAGES / seconds, inFlight: IN_FLIGHT, snapshotEvery: SNAPSHOT_EVERY, outcomes, samples },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

// ---------------------------------------------------------------- child: extend on LMDB

/** Sends `count` more messages (clientMessageIds after the manifest's) through the command path. */
async function extendLmdb({ manifest, count }) {
  const a = app();
  const { LmdbEventStore } = require(join(DIST, 'libs/event-store/src/lmdb/lmdb-event-store.js'));
  const store = LmdbEventStore.open(manifest.dir, { logger: quietLogger() });
  const outcomes = {};
  const deps = commandDeps(a, store, store.snapshots, outcomes);
  await sendMany(a, deps, manifest.conversationId, manifest.messages, manifest.messages + count, IN_FLIGHT);
  const entry = await deps.cache.get(manifest.streamId);
  await new Promise((r) => setTimeout(r, 200)); // a snapshot save after its append
  await store.close();
  return { ...manifest, messages: manifest.messages + count, revision: entry.revision, lastSeq: entry.state.lastSeq, lastSnapshotRevision: entry.snapshotRevision, extendOutcomes: outcomes };
}

// ---------------------------------------------------------------- child: cold load

async function openStore(kind, options) {
  if (kind === 'lmdb') {
    const { LmdbEventStore } = require(join(DIST, 'libs/event-store/src/lmdb/lmdb-event-store.js'));
    const store = LmdbEventStore.open(options.dir, { logger: quietLogger() });
    return { store, snapshots: store.snapshots };
  }
  const { PostgresEventStore } = require(join(DIST, 'libs/event-store/src/postgres/index.js'));
  const store = await PostgresEventStore.connect(options.url, { schema: PG_SCHEMA, logger: quietLogger() });
  return { store, snapshots: store.snapshotStore() };
}

async function coldLoad({ kind, manifest, url }) {
  const a = app();
  if (kind === 'postgres') require(join(DIST, 'libs/event-store/src/postgres/index.js'));
  else require(join(DIST, 'libs/event-store/src/lmdb/lmdb-event-store.js'));
  gc();
  const afterRequire = memory();
  const t0 = process.hrtime.bigint();
  const { store, snapshots } = await openStore(kind, { dir: manifest.dir, url });
  const openMs = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  const before = memory();
  const cache = new a.StreamCache(store, snapshots);
  const t1 = process.hrtime.bigint();
  const entry = await cache.get(manifest.streamId);
  const loadMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const after = memory();
  // Read now: the retry below decides on this entry (and advances it before its append fails).
  const loaded = { revision: entry.revision, lastSeq: entry.state.lastSeq, snapshotRevision: entry.snapshotRevision };
  gc();
  const afterGc = memory();
  // A second load in the same (now warm) process, from a new cache: the same reads, JIT-warm.
  const t2 = process.hrtime.bigint();
  await new a.StreamCache(store, snapshots).get(manifest.streamId);
  const warmLoadMs = Number(process.hrtime.bigint() - t2) / 1e6;

  // The retry of the very first clientMessageId, as the SendMessage handler sends it.
  const outcomes = {};
  const deps = { ...commandDeps(a, store, snapshots, outcomes), cache };
  const t3 = process.hrtime.bigint();
  const reply = await send(a, deps, manifest.conversationId, manifest.first.actor, manifest.first.clientMessageId, bodyOf(0));
  const retryMs = Number(process.hrtime.bigint() - t3) / 1e6;
  const [last] = await store.readStream(manifest.streamId, { direction: 'backwards', maxCount: 1 });
  await store.close();
  const pass =
    reply.messageId === manifest.first.messageId && reply.seq === 1 && manifest.first.seq === 1 && last.revision === manifest.revision;
  return {
    openMs,
    loadMs,
    warmLoadMs,
    ...loaded,
    eventsFolded: loaded.revision - loaded.snapshotRevision,
    matchesManifest: loaded.revision === manifest.revision && loaded.lastSeq === manifest.lastSeq,
    memory: { afterRequire, before, after, afterGc },
    delta: {
      rssAnonKiB: after.rssAnonKiB - before.rssAnonKiB,
      rssKiB: after.rssKiB - before.rssKiB,
      heapUsedKiB: after.heapUsedKiB - before.heapUsedKiB,
      retainedHeapKiB: afterGc.heapUsedKiB - before.heapUsedKiB,
    },
    retry: { reply, expected: { messageId: manifest.first.messageId, seq: 1 }, ms: retryMs, outcomes, lastRevision: last.revision, pass },
  };
}

// ---------------------------------------------------------------- child: PostgreSQL copy + tail

async function buildPostgres({ manifest, url, messages }) {
  const a = app();
  const { LmdbEventStore } = require(join(DIST, 'libs/event-store/src/lmdb/lmdb-event-store.js'));
  const { PostgresEventStore } = require(join(DIST, 'libs/event-store/src/postgres/index.js'));
  const { streamPages } = require(join(DIST, 'libs/event-store/src/read-pages.js'));
  const { Client } = require('pg');
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
  await admin.end();
  const lmdb = LmdbEventStore.open(manifest.dir, { logger: quietLogger() });
  const pg = await PostgresEventStore.connect(url, { schema: PG_SCHEMA, logger: quietLogger() });
  const lastRevision = messages; // revision 0 is StartConversation
  let copied = 0;
  const t0 = process.hrtime.bigint();
  const inFlight = new Set();
  for await (const page of streamPages(lmdb, manifest.streamId, 0, PG_COPY_BATCH)) {
    const events = page.filter((e) => e.revision <= lastRevision);
    if (events.length === 0) break;
    const expected = events[0].revision === 0 ? 'no_stream' : events[0].revision - 1;
    // Two appends in flight: the next batch is ready while one commits (expected revisions
    // keep them in order: they travel in one group-committed transaction or in order).
    const p = pg.append(manifest.streamId, events.map(({ type, data, metadata }) => ({ type, data, metadata })), expected);
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
    if (inFlight.size >= 2) await Promise.race(inFlight);
    copied += events.length;
    if (copied % 100_000 < PG_COPY_BATCH) process.stderr.write(`  copied ${copied} events to PostgreSQL\n`);
    if (events[events.length - 1].revision >= lastRevision) break;
  }
  await Promise.all(inFlight);
  const copySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await lmdb.close();

  // The whole fold (no snapshot on PostgreSQL yet): the cost snapshots save.
  const outcomes = {};
  const deps = commandDeps(a, pg, pg.snapshotStore(), outcomes);
  gc();
  const before = memory();
  const t1 = process.hrtime.bigint();
  const entry = await deps.cache.get(manifest.streamId);
  const fullFoldMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const after = memory();

  // The tail through the command path on PostgreSQL (one append per command on a stream).
  const t2 = process.hrtime.bigint();
  await sendMany(a, deps, manifest.conversationId, messages, messages + PG_TAIL, IN_FLIGHT);
  const tailSeconds = Number(process.hrtime.bigint() - t2) / 1e9;
  const final = await deps.cache.get(manifest.streamId);
  await new Promise((r) => setTimeout(r, 200)); // the last snapshot save (after its append)
  await pg.close();
  const pgManifest = {
    ...manifest,
    messages: messages + PG_TAIL,
    revision: final.revision,
    lastSeq: final.state.lastSeq,
    lastSnapshotRevision: final.snapshotRevision,
    pgBuild: {
      copiedEvents: copied,
      copySeconds,
      copyEventsPerSec: copied / copySeconds,
      fullFold: { ms: fullFoldMs, revision: entry.revision, before, after, rssAnonDeltaKiB: after.rssAnonKiB - before.rssAnonKiB, heapDeltaKiB: after.heapUsedKiB - before.heapUsedKiB },
      tail: { messages: PG_TAIL, seconds: tailSeconds, sendsPerSec: PG_TAIL / tailSeconds, outcomes },
    },
  };
  return pgManifest;
}

// ---------------------------------------------------------------- parent

function child(mode, input) {
  const res = spawnSync(process.execPath, ['--expose-gc', __filename, mode], {
    input: JSON.stringify(input),
    stdio: ['pipe', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    env: process.env,
  });
  if (res.status !== 0) throw new Error(`${mode} child exited with ${res.status}`);
  return JSON.parse(res.stdout.toString());
}

function databaseUrl() {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const file = join(ROOT, '.infra', 'env');
  if (!existsSync(file)) return undefined;
  return /^DATABASE_URL=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1];
}

const mib = (kib) => Math.round((kib / 1024) * 10) / 10;

function summarizeCold(runs) {
  return {
    runs: runs.length,
    loadMs: { median: median(runs.map((r) => r.loadMs)), max: Math.max(...runs.map((r) => r.loadMs)), all: runs.map((r) => Math.round(r.loadMs * 10) / 10) },
    openMs: { median: median(runs.map((r) => r.openMs)), max: Math.max(...runs.map((r) => r.openMs)) },
    warmLoadMs: { median: median(runs.map((r) => r.warmLoadMs)) },
    rssAnonDeltaKiB: { median: median(runs.map((r) => r.delta.rssAnonKiB)), max: Math.max(...runs.map((r) => r.delta.rssAnonKiB)) },
    rssDeltaKiB: { median: median(runs.map((r) => r.delta.rssKiB)), max: Math.max(...runs.map((r) => r.delta.rssKiB)) },
    heapDeltaKiB: { median: median(runs.map((r) => r.delta.heapUsedKiB)), max: Math.max(...runs.map((r) => r.delta.heapUsedKiB)) },
    retainedHeapKiB: { median: median(runs.map((r) => r.delta.retainedHeapKiB)) },
    rssAnonAfterKiB: { median: median(runs.map((r) => r.memory.after.rssAnonKiB)), max: Math.max(...runs.map((r) => r.memory.after.rssAnonKiB)) },
    eventsFolded: runs.map((r) => r.eventsFolded),
    retry: { pass: runs.every((r) => r.retry.pass), msMedian: median(runs.map((r) => r.retry.ms)) },
  };
}

function printCold(label, s, runs) {
  process.stderr.write(
    `${label}: cold load median ${s.loadMs.median.toFixed(1)} ms, max ${s.loadMs.max.toFixed(1)} ms (all ${s.loadMs.all.join(', ')}); ` +
      `open ${s.openMs.median.toFixed(1)} ms; folded ${s.eventsFolded.join('/')} events; ` +
      `RssAnon +${mib(s.rssAnonDeltaKiB.median)} MiB (max +${mib(s.rssAnonDeltaKiB.max)}), heap +${mib(s.heapDeltaKiB.median)} MiB, ` +
      `RssAnon after ${mib(s.rssAnonAfterKiB.median)} MiB; retry of the first clientMessageId: ${s.retry.pass ? 'PASS' : 'FAIL'} ` +
      `(${runs.map((r) => `${r.retry.reply.messageId.slice(0, 8)}…/seq ${r.retry.reply.seq}`).join(', ')})\n`,
  );
}

async function main() {
  const raw = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}`, loadavgBefore: os.loadavg() };
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(os.tmpdir(), 'cold-load-'));
  let manifest;
  if (existsSync(join(dir, 'manifest.json'))) {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    process.stderr.write(`reusing ${dir} (${manifest.messages} messages)\n`);
  } else {
    process.stderr.write(`building ${MESSAGES} messages in one conversation on LMDB in ${dir} (${IN_FLIGHT} in flight)\n`);
    manifest = child('build-lmdb', { dir });
  }
  raw.lmdb = { manifest, build: manifest.build };
  process.stderr.write(`built: ${manifest.messages} messages in ${manifest.build.seconds.toFixed(0)} s (${Math.round(manifest.build.sendsPerSec)}/s), revision ${manifest.revision}, last snapshot at ${manifest.lastSnapshotRevision}\n`);
  const lmdbRuns = [];
  for (let i = 0; i < COLD_RUNS; i++) lmdbRuns.push(child('cold', { kind: 'lmdb', manifest }));
  raw.lmdb.cold = { runs: lmdbRuns, summary: summarizeCold(lmdbRuns) };
  printCold('LMDB', raw.lmdb.cold.summary, lmdbRuns);

  // The worst case: the last snapshot SNAPSHOT_EVERY - 1 events back (a load folds 499 events).
  if (process.env.BENCH_WORST !== '0') {
    const count = SNAPSHOT_EVERY - 1 - (manifest.revision - manifest.lastSnapshotRevision);
    if (count > 0) {
      const worst = child('extend-lmdb', { manifest, count });
      const runs = [];
      for (let i = 0; i < COLD_RUNS; i++) runs.push(child('cold', { kind: 'lmdb', manifest: worst }));
      raw.lmdb.worstCase = { messages: worst.messages, revision: worst.revision, lastSnapshotRevision: worst.lastSnapshotRevision, runs, summary: summarizeCold(runs) };
      printCold(`LMDB, ${worst.messages} messages (last snapshot ${worst.revision - worst.lastSnapshotRevision} events back)`, raw.lmdb.worstCase.summary, runs);
    }
  }

  const url = databaseUrl();
  if (url && process.env.BENCH_PG !== '0') {
    const messages = Number(process.env.BENCH_PG_MESSAGES ?? manifest.messages);
    process.stderr.write(`PostgreSQL: copying ${messages} messages' events, then ${PG_TAIL} sends through the command path\n`);
    const pgManifest = child('build-pg', { manifest, url, messages });
    const b = pgManifest.pgBuild;
    process.stderr.write(
      `  copied ${b.copiedEvents} events in ${b.copySeconds.toFixed(0)} s (${Math.round(b.copyEventsPerSec)}/s); ` +
        `whole fold without snapshot ${b.fullFold.ms.toFixed(0)} ms (RssAnon +${mib(b.fullFold.rssAnonDeltaKiB)} MiB); ` +
        `tail ${b.tail.messages} sends at ${Math.round(b.tail.sendsPerSec)}/s; last snapshot at ${pgManifest.lastSnapshotRevision} of ${pgManifest.revision}\n`,
    );
    const pgRuns = [];
    for (let i = 0; i < COLD_RUNS; i++) pgRuns.push(child('cold', { kind: 'postgres', manifest: pgManifest, url }));
    raw.postgres = { manifest: { ...pgManifest, build: undefined }, build: b, cold: { runs: pgRuns, summary: summarizeCold(pgRuns) } };
    printCold('PostgreSQL', raw.postgres.cold.summary, pgRuns);
  }
  raw.loadavgAfter = os.loadavg();
  process.stdout.write(JSON.stringify({ lmdb: raw.lmdb.cold.summary, lmdbWorstCase: raw.lmdb.worstCase?.summary, postgres: raw.postgres?.cold.summary }, null, 2) + '\n');
  if (process.env.BENCH_RAW) {
    const file = resolve(ROOT, process.env.BENCH_RAW);
    const doc = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    doc.coldLoad = raw;
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  }
}

async function childMain(mode) {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const input = JSON.parse(Buffer.concat(chunks).toString());
  const run = { 'build-lmdb': buildLmdb, 'extend-lmdb': extendLmdb, cold: coldLoad, 'build-pg': buildPostgres }[mode];
  const result = await run(input);
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

if (require.main === module) {
  const mode = process.argv[2];
  (mode ? childMain(mode) : main()).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

// Durable sends through the public HTTP API on PostgreSQL: production command-api processes
// (CHAT_MODE=production, as test/real/production-stack.ts starts them) on the PostgreSQL event
// store, with 1 and with 2 processes, against the bare node:http floor (bench/floor-http-server.js)
// in the same run. 50 concurrent senders (autocannon, closed loop, one sender per connection, in
// a load-generator process of its own: bench/lib/send-load.js) over 500 conversations (each
// sender sends to its 10 in turn; with 2 processes sender i goes to process i % 2, so a
// conversation is served by one process), every request with a fresh clientMessageId.
// Each run: warm-up, then the measured window, during which it reads
//   - PostgreSQL's view: pg_stat_database.xact_commit (all of the database's commits) and the
//     events appended (global positions), and the append transactions that carried this run's
//     events (distinct xmin of their rows): commits/s and events per commit;
//   - where the CPU goes: postgres (this run's app sessions, found by the application_name set in
//     their DATABASE_URL, apart from the rest), the app processes, the load generator, and the
//     whole machine (/proc, sampled every second: what `ps -o %cpu` shows, over the window only),
//     plus the time each group spent runnable but waiting for a CPU (/proc/<pid>/task/*/schedstat).
// A command-api that builds the audit tree reads the whole log at start-up: the run waits for it.
// Runs alternate floor / 1 process / 2 processes, BENCH_REPEAT times; medians are reported.
// BENCH_FROM_RAW=<raw file> re-summarizes a saved run without measuring.
//
// Usage: npm run build && node bench/pg-http-send.js
//   (DATABASE_URL, CASSANDRA_CONTACT_POINTS from the environment or .infra/env)
//   BENCH_SECONDS (15) BENCH_WARMUP_SECONDS (3) BENCH_REPEAT (3) BENCH_PROCESSES ("1,2")
//   BENCH_SKIP_FLOOR=1  BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (app processes)
//   BENCH_PG_DATABASE=eventchat_bench (a database of the benchmark's own; default: DATABASE_URL's)
//   BENCH_RAW=docs/benchmarks-pg-raw.json (merge this run's figures into that file under "http")
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join, resolve } = require('node:path');
const readline = require('node:readline');
const { Client } = require('pg');
const { startServer } = require('./lib/server');
const { startProductionApp, infraEnv } = require('./lib/production-server');
const { devToken, createConversation, pool } = require('./lib/api');
const { median } = require('./lib/stats');
const { sampleCpu, childrenOf, postmasterPid } = require('./lib/proc-cpu');

const ROOT = join(__dirname, '..');
const SENDERS = 50;
const CONVERSATIONS = 500;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const PROCESSES = (process.env.BENCH_PROCESSES ?? '1,2').split(',').map(Number);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PG_DATA = process.env.BENCH_PG_DATA ?? join(ROOT, '.infra', 'postgres', 'data');
const SCHEMA = 'event_store'; // the app's schema
// BENCH_PG_DATABASE=<name>: run the apps on a database of their own on the same server (created
// if missing) instead of DATABASE_URL's, so the benchmark's events stay out of the shared log
// (every command-api reads the whole log at start-up to build its audit tree).
const BENCH_DATABASE = process.env.BENCH_PG_DATABASE;

/** The URL the apps and the observer use: DATABASE_URL, or its server with BENCH_PG_DATABASE. */
function benchDatabaseUrl() {
  const url = new URL(infraEnv().DATABASE_URL);
  if (BENCH_DATABASE) url.pathname = `/${BENCH_DATABASE}`;
  return url;
}

async function ensureBenchDatabase() {
  if (!BENCH_DATABASE) return;
  if (!/^[a-z_][a-z0-9_]*$/.test(BENCH_DATABASE)) throw new Error('BENCH_PG_DATABASE: a lower-case SQL identifier');
  const admin = new Client({ connectionString: infraEnv().DATABASE_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DATABASE]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
  } finally {
    await admin.end();
  }
}

/** Runs the load generator in its own process; onMeasuring() when the measured window opens. */
function runLoad(config, onMeasuring) {
  const child = spawn(process.execPath, [join(__dirname, 'lib', 'send-load.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(config) + '\n');
  const lines = readline.createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    let window;
    lines.on('line', async (line) => {
      const msg = JSON.parse(line);
      if (msg.phase === 'measuring') window = onMeasuring(child.pid);
      if (msg.phase === 'done') resolve({ result: msg.result, window: await window });
    });
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
}

async function benchFloor(run) {
  const floor = await startServer({ entry: 'bench/floor-http-server.js' });
  const senders = Array.from({ length: SENDERS }, (_, i) => ({
    userId: `s${i}`,
    token: 'x',
    conversationIds: Array.from({ length: CONVERSATIONS / SENDERS }, (_, k) => `c${i + k * SENDERS}`),
  }));
  const { result, window } = await runLoad(
    { urls: [floor.baseUrl], senders, seconds: SECONDS, warmupSeconds: WARMUP, tag: `floor-${run}` },
    (loadPid) => {
      const cpu = sampleCpu({ server: () => [floor.pid], load: () => [loadPid] });
      return { stop: () => cpu.stop() };
    },
  );
  await floor.stop();
  return { ...result, cpu: window.stop() };
}

/** PostgreSQL's counters: the database's commits and the log's last position. */
async function pgSnapshot(db) {
  const { rows } = await db.query(
    `SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS xact_commit,
            (SELECT coalesce(max(global_position), 0) FROM ${SCHEMA}.events) AS position`,
  );
  return { at: process.hrtime.bigint(), xactCommit: Number(rows[0].xact_commit), position: Number(rows[0].position) };
}

/** PIDs of the postgres processes serving `applicationName` (this run's app sessions). */
async function backendPids(db, applicationName) {
  const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  return rows.map((r) => r.pid);
}

function metricSum(text, name, labelFilter = () => true) {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\S+?)(\{.*\})? (\S+)$/.exec(line);
    if (m && m[1] === name && labelFilter(m[2] ?? '')) sum += Number(m[3]);
  }
  return sum;
}

async function benchPostgres(processes, run) {
  const tag = `${process.pid}r${run}p${processes}`;
  const applicationName = `pg-http-send-${tag}`;
  const url = benchDatabaseUrl();
  url.searchParams.set('application_name', applicationName);
  const apps = [];
  for (let p = 0; p < processes; p++) {
    // Started one after the other: they migrate the same schema at start-up.
    apps.push(await startProductionApp({ env: { DATABASE_URL: url.toString() }, nodeArgs: ['--max-semi-space-size=32', ...NODE_ARGS] }));
  }
  // A command-api that builds the audit Merkle tree reads the whole log once at start-up, in the
  // background (apps/command-api/src/audit/audit-tree.service.ts): measure once it caught up.
  const auditCatchUp = [];
  for (const a of apps) {
    if (!(await a.waitForEvent('audit_tree_building', 0))) continue;
    const caughtUp = await a.waitForEvent('audit_tree_caught_up');
    auditCatchUp.push(caughtUp ? { ms: caughtUp.ms, read: caughtUp.read } : { timedOut: true });
  }
  const db = new Client({ connectionString: benchDatabaseUrl().toString(), application_name: `pg-http-send-observer-${tag}` });
  await db.connect();
  try {
    const base = apps[0].baseUrl;
    const senderIds = Array.from({ length: SENDERS }, (_, i) => `snd-${tag}-${i}`);
    const tokens = await pool(senderIds, 10, (id) => devToken(base, id));
    const conversationIds = await pool(Array.from({ length: CONVERSATIONS }, (_, j) => j), 10, (j) =>
      createConversation(base, tokens[j % SENDERS], 'direct', [senderIds[j % SENDERS], `peer-${tag}-${j}`]),
    );
    const senders = senderIds.map((userId, i) => ({
      userId,
      token: tokens[i],
      conversationIds: conversationIds.filter((_, j) => j % SENDERS === i),
    }));
    const postmaster = postmasterPid(PG_DATA);
    const metricsBefore = await Promise.all(apps.map(async (a) => (await fetch(`${a.baseUrl}/metrics`)).text()));
    const { result, window } = await runLoad(
      { urls: apps.map((a) => a.baseUrl), senders, seconds: SECONDS, warmupSeconds: WARMUP, tag },
      async (loadPid) => {
        const before = await pgSnapshot(db);
        const ours = new Set(await backendPids(db, applicationName));
        const cpu = sampleCpu({
          postgresAppSessions: () => [...ours],
          postgresOther: () => [postmaster, ...childrenOf(postmaster).filter((p) => !ours.has(p))],
          apps: () => apps.map((a) => a.pid),
          ...Object.fromEntries(apps.map((a, i) => [`app${i + 1}`, () => [a.pid]])),
          load: () => [loadPid],
          orchestrator: () => [process.pid],
        });
        return {
          stop: async () => {
            const usage = cpu.stop();
            const after = await pgSnapshot(db);
            return { before, after, cpu: usage, backends: ours.size };
          },
        };
      },
    );
    const { before, after, cpu, backends } = await window.stop();
    const seconds = Number(after.at - before.at) / 1e9;
    const streams = conversationIds.map((id) => `conversation-${id}`);
    const { rows } = await db.query(
      `SELECT count(*)::int AS events, count(DISTINCT xmin::text)::int AS transactions
         FROM ${SCHEMA}.events
        WHERE global_position > $1 AND global_position <= $2 AND stream_id = ANY($3)`,
      [before.position, after.position, streams],
    );
    const metricsAfter = await Promise.all(apps.map(async (a) => (await fetch(`${a.baseUrl}/metrics`)).text()));
    const outcome = (o) =>
      metricsAfter.reduce(
        (s, text, i) =>
          s +
          metricSum(text, 'chat_commands_total', (l) => l.includes('"SendMessage"') && l.includes(`"${o}"`)) -
          metricSum(metricsBefore[i], 'chat_commands_total', (l) => l.includes('"SendMessage"') && l.includes(`"${o}"`)),
        0,
      );
    const rss = apps.map((a) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${a.pid}/status`, 'utf8'))[1]));
    const pg = {
      windowSeconds: seconds,
      // CLOCK_MONOTONIC µs, the clock of V8's .cpuprofile timestamps (cpuprofile-top.js --window).
      windowMonotonicUs: [Number(before.at / 1000n), Number(after.at / 1000n)],
      dbCommits: after.xactCommit - before.xactCommit,
      dbCommitsPerSec: (after.xactCommit - before.xactCommit) / seconds,
      eventsAppendedAll: after.position - before.position,
      runEvents: rows[0].events,
      runEventsPerSec: rows[0].events / seconds,
      appendTransactions: rows[0].transactions,
      appendTransactionsPerSec: rows[0].transactions / seconds,
      eventsPerAppendTransaction: rows[0].events / Math.max(1, rows[0].transactions),
      appBackends: backends,
    };
    const commands = { appended: outcome('appended'), conflict: outcome('conflict'), error: outcome('error'), noop: outcome('noop') };
    return { ...result, pg, cpu, commands, auditCatchUp, appRssKiB: rss, appLogBytes: apps.map((a) => a.outputBytes()) };
  } finally {
    await db.end();
    await Promise.all(apps.map((a) => a.stop()));
  }
}

function machine() {
  const cpu = os.cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function loadavg() {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

const othersPct = (r) => {
  const g = r.cpu.groups;
  const ours = (g.postgresAppSessions?.meanPct ?? 0) + (g.postgresOther?.meanPct ?? 0) + (g.apps?.meanPct ?? g.server?.meanPct ?? 0) + g.load.meanPct + (g.orchestrator?.meanPct ?? 0);
  return Math.round(10 * (r.cpu.machine.busyPct - ours)) / 10;
};

const r0 = (x) => Math.round(x);
const r1 = (x) => Math.round(x * 10) / 10;

function summarize(runs) {
  const floors = runs.map((r) => r.floor).filter(Boolean);
  const out = {};
  if (floors.length) {
    out.floor = {
      sendsPerSec: median(floors.map((f) => f.sendsPerSec)),
      latencyP50: median(floors.map((f) => f.latencyP50)),
      latencyP99: median(floors.map((f) => f.latencyP99)),
      all: floors.map((f) => r0(f.sendsPerSec)),
      othersPct: median(floors.map(othersPct)),
      runqueueWaitPct: { server: median(floors.map((f) => f.cpu.groups.server.waitPct)), load: median(floors.map((f) => f.cpu.groups.load.waitPct)) },
      loadCpuUsPerSend: median(floors.map((f) => (1e4 * f.cpu.groups.load.meanPct) / f.sendsPerSec)),
      serverCpuUsPerSend: median(floors.map((f) => (1e4 * f.cpu.groups.server.meanPct) / f.sendsPerSec)),
    };
  }
  for (const p of PROCESSES) {
    const rs = runs.map((r) => r[`pg${p}`]).filter(Boolean);
    const m = (f) => median(rs.map(f));
    out[`pg${p}`] = {
      sendsPerSec: m((r) => r.sendsPerSec),
      latencyP50: m((r) => r.latencyP50),
      latencyP99: m((r) => r.latencyP99),
      ratioToFloor: floors.length ? median(runs.map((r) => r[`pg${p}`].sendsPerSec / r.floor.sendsPerSec)) : undefined,
      dbCommitsPerSec: m((r) => r.pg.dbCommitsPerSec),
      appendTransactionsPerSec: m((r) => r.pg.appendTransactionsPerSec),
      eventsPerAppendTransaction: m((r) => r.pg.eventsPerAppendTransaction),
      cpuPct: {
        postgresAppSessions: m((r) => r.cpu.groups.postgresAppSessions.meanPct),
        postgresOther: m((r) => r.cpu.groups.postgresOther.meanPct),
        apps: m((r) => r.cpu.groups.apps.meanPct),
        load: m((r) => r.cpu.groups.load.meanPct),
        machineBusy: m((r) => r.cpu.machine.busyPct),
        // Everything on the machine that is not this benchmark (other engineers' work).
        others: m((r) => othersPct(r)),
      },
      // Time runnable but waiting for a CPU (% of the window, summed over threads/processes).
      runqueueWaitPct: {
        postgresAppSessions: m((r) => r.cpu.groups.postgresAppSessions.waitPct),
        apps: m((r) => r.cpu.groups.apps.waitPct),
        load: m((r) => r.cpu.groups.load.waitPct),
      },
      // CPU time per send (µs): 10,000 × (% of a core) / (sends/s).
      cpuUsPerSend: {
        apps: m((r) => (1e4 * r.cpu.groups.apps.meanPct) / r.sendsPerSec),
        postgresAppSessions: m((r) => (1e4 * r.cpu.groups.postgresAppSessions.meanPct) / r.sendsPerSec),
        load: m((r) => (1e4 * r.cpu.groups.load.meanPct) / r.sendsPerSec),
      },
      all: rs.map((r) => r0(r.sendsPerSec)),
      allRatios: floors.length ? runs.map((r) => Math.round((100 * r[`pg${p}`].sendsPerSec) / r.floor.sendsPerSec) / 100) : [],
    };
  }
  return out;
}

async function main() {
  if (process.env.BENCH_FROM_RAW) {
    // Re-summarizes a saved run (the "http" part of a raw file) without measuring.
    const saved = JSON.parse(readFileSync(resolve(ROOT, process.env.BENCH_FROM_RAW), 'utf8')).http;
    saved.summary = summarize(saved.runs);
    process.stdout.write(JSON.stringify(saved.summary, null, 2) + '\n');
    return saved;
  }
  const raw = { date: new Date().toISOString(), machine: machine(), seconds: SECONDS, warmupSeconds: WARMUP, senders: SENDERS, conversations: CONVERSATIONS, runs: [] };
  raw.loadavgBefore = loadavg();
  raw.database = BENCH_DATABASE ?? '(DATABASE_URL)';
  await ensureBenchDatabase();
  for (let run = 1; run <= REPEAT; run++) {
    const entry = { run, loadavg: loadavg() };
    if (!process.env.BENCH_SKIP_FLOOR) entry.floor = await benchFloor(run);
    for (const p of PROCESSES) entry[`pg${p}`] = await benchPostgres(p, run);
    raw.runs.push(entry);
    const line = [`run ${run} (load avg ${entry.loadavg.join(' ')})`];
    if (entry.floor)
      line.push(
        `floor ${r0(entry.floor.sendsPerSec)}/s p50 ${entry.floor.latencyP50} p99 ${entry.floor.latencyP99} ms; CPU% server ${entry.floor.cpu.groups.server.meanPct} load ${entry.floor.cpu.groups.load.meanPct} ` +
          `machine ${entry.floor.cpu.machine.busyPct} (others ${othersPct(entry.floor)}); run-queue wait% server ${entry.floor.cpu.groups.server.waitPct} load ${entry.floor.cpu.groups.load.waitPct}`,
      );
    for (const p of PROCESSES) {
      const r = entry[`pg${p}`];
      line.push(
        `pg×${p} ${r0(r.sendsPerSec)}/s p50 ${r.latencyP50} p99 ${r.latencyP99} ms non2xx ${r.non2xx} ${JSON.stringify(r.statuses)}; ` +
          `PG commits/s ${r0(r.pg.dbCommitsPerSec)}, append tx/s ${r0(r.pg.appendTransactionsPerSec)}, events/tx ${r1(r.pg.eventsPerAppendTransaction)}; ` +
          `CPU% pg(app) ${r.cpu.groups.postgresAppSessions.meanPct} pg(other) ${r.cpu.groups.postgresOther.meanPct} apps ${r.cpu.groups.apps.meanPct} load ${r.cpu.groups.load.meanPct} machine ${r.cpu.machine.busyPct}/${100 * os.cpus().length} (others ${othersPct(r)}); ` +
          `run-queue wait% pg(app) ${r.cpu.groups.postgresAppSessions.waitPct} apps ${r.cpu.groups.apps.waitPct} load ${r.cpu.groups.load.waitPct}; ` +
          `commands ${JSON.stringify(r.commands)}; app log ${r.appLogBytes.join('+')} B; audit tree catch-up ${JSON.stringify(r.auditCatchUp)}`,
      );
    }
    process.stderr.write(line.join('\n  ') + '\n');
  }
  raw.loadavgAfter = loadavg();
  raw.summary = summarize(raw.runs);
  process.stdout.write(JSON.stringify(raw.summary, null, 2) + '\n');
  if (process.env.BENCH_RAW) {
    const file = resolve(ROOT, process.env.BENCH_RAW);
    const doc = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    doc.http = raw;
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  }
  return raw;
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
module.exports = { main };

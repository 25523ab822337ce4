// PostgresEventStore append throughput and latency: 50 concurrent appenders, one event per
// append, over 500 streams, each append at the stream's exact expected revision (a shared head
// cache moved on at call time, as the command side keeps it; a lost race re-reads the head,
// re-seals and retries), while one subscriber follows the log (as the projector does).
// Reports appends/s, the group-commit batch sizes seen, append latency p50/p99, subscriber
// lag, and CPU per append (this Node process; the bench's PostgreSQL backends).
//
// The adapter's TypeScript is bundled on the fly with esbuild (like the int tests' child
// processes), so the bench needs neither a fresh dist/ nor the rest of the repo to build.
//
// Usage: DATABASE_URL=postgres://… node bench/pg-append.js
//   BENCH_SECONDS (10) BENCH_WARMUP_SECONDS (2) BENCH_APPENDERS (50) BENCH_STREAMS (500)
//   BENCH_IN_FLIGHT (1: maxBatchesInFlight) BENCH_SUBSCRIBER (1) BENCH_JSON (0: table)
//   BENCH_PROCESSES (1): the appenders split over this many writer processes (each with its
//   own store and head cache), as several command-api processes would be: on disjoint stream
//   sets (routing by conversation), or with BENCH_SHARED_STREAMS=1 on the same ones (no
//   routing: each process's cache goes stale, and lost races cost a re-read and a retry).
'use strict';
const { randomUUID } = require('node:crypto');
const { mkdirSync, mkdtempSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { buildSync } = require('esbuild');
const { Client } = require('pg');
const { newHistogram, summary } = require('./lib/stats');

const url = process.env.DATABASE_URL;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const APPENDERS = Number(process.env.BENCH_APPENDERS ?? 50);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 1);
const SUBSCRIBER = process.env.BENCH_SUBSCRIBER !== '0';
const APPLICATION_NAME = `pg-append-bench-${process.pid}`;
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 1);
const STREAM_PREFIX = process.env.BENCH_STREAM_PREFIX ?? '';
const SHARED_STREAMS = process.env.BENCH_SHARED_STREAMS === '1';
const SCHEMA = process.env.BENCH_SCHEMA ?? `bench_append_${process.pid}`;

function load() {
  // Inside node_modules, so the bundle's external packages resolve from the repo.
  const cache = join(__dirname, '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'pg-bench-'));
  const outfile = join(dir, 'event-store.js');
  buildSync({
    stdin: {
      contents: `
        export { PostgresEventStore } from './libs/event-store/src/postgres';
        export { sealEvents, GENESIS_HASH } from './libs/event-store/src/hash-chain';`,
      resolveDir: join(__dirname, '..'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  const mod = require(outfile);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

function message(streamId, sender, n) {
  return {
    type: 'MessageSent',
    data: {
      conversationId: streamId,
      messageId: randomUUID(),
      clientMessageId: `${sender}-${n}`,
      senderId: sender,
      seq: n,
      body: 'hello from the benchmark, a message of ordinary length for a chat',
      attachments: [],
      sentAt: new Date().toISOString(),
    },
    metadata: {
      eventId: randomUUID(),
      schemaVersion: 1,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: sender,
      timestamp: new Date().toISOString(),
    },
  };
}

async function main() {
  if (!url) throw new Error('set DATABASE_URL (npm run infra:up)');
  if (PROCESSES > 1) return processes();
  const { PostgresEventStore, sealEvents, GENESIS_HASH } = load();
  const schema = SCHEMA;
  const logger = require('pino')({ level: 'warn' });
  const store = await PostgresEventStore.connect(url, {
    schema,
    poolSize: 10,
    maxBatchesInFlight: IN_FLIGHT,
    applicationName: APPLICATION_NAME,
    logger,
  });
  const heads = new Map(); // streamId → { revision, hash } (the command side's cache)
  const sentAt = new Map(); // eventId → hrtime of its append call (for subscriber lag)
  let measuring = false;
  let stopping = false;
  let appends = 0;
  let conflicts = 0;
  const latency = newHistogram();
  const lag = newHistogram();

  let subscription;
  if (SUBSCRIBER) {
    subscription = store.subscribeToAll({}, (event) => {
      const t = sentAt.get(event.metadata.eventId);
      if (t === undefined) return;
      sentAt.delete(event.metadata.eventId);
      if (measuring) lag.recordValue(Math.max(1, Number((process.hrtime.bigint() - t) / 1000n)));
    });
    await subscription.ready;
  }

  async function appender(a) {
    const sender = `sender${a}`;
    for (let n = 0; !stopping; n++) {
      const streamId = `${STREAM_PREFIX}conversation-${Math.floor(Math.random() * STREAMS)}`;
      for (;;) {
        let head = heads.get(streamId);
        if (head === undefined) {
          const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
          head = last ? { revision: last.revision, hash: last.metadata.hash } : null;
        }
        const events = sealEvents(
          streamId,
          head ? head.revision + 1 : 0,
          head ? head.hash : GENESIS_HASH,
          [message(streamId, sender, n)],
        );
        const started = process.hrtime.bigint();
        if (SUBSCRIBER) sentAt.set(events[0].metadata.eventId, started);
        // As the command side does (ADR-2): the cache moves on as soon as the append is made, so
        // the next append to the stream chains on it (same batch or the next); a lost race
        // drops the entry and re-reads.
        const pending = store.append(streamId, events, head ? head.revision : 'no_stream');
        heads.set(streamId, {
          revision: head ? head.revision + 1 : 0,
          hash: events[0].metadata.hash,
        });
        try {
          await pending;
          if (measuring) {
            appends++;
            latency.recordValue(Math.max(1, Number((process.hrtime.bigint() - started) / 1000n)));
          }
          break;
        } catch (err) {
          sentAt.delete(events[0].metadata.eventId);
          if (err.name !== 'WrongExpectedRevisionError') throw err;
          if (measuring) conflicts++;
          heads.delete(streamId);
        }
      }
    }
  }

  const running = Array.from({ length: APPENDERS }, (_, a) => appender(a));
  await new Promise((resolve) => setTimeout(resolve, WARMUP * 1000));
  const statsBefore = store.appendStats;
  const cpuBefore = process.cpuUsage();
  const pgCpuBefore = await backendCpuSeconds(APPLICATION_NAME);
  measuring = true;
  const t0 = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const pgCpuAfter = await backendCpuSeconds(APPLICATION_NAME);
  const statsAfter = store.appendStats;
  stopping = true;
  await Promise.all(running);
  await subscription?.close();
  await store.close();
  if (!process.env.BENCH_SCHEMA) await dropSchema(schema);

  const batches = statsAfter.batches - statsBefore.batches;
  const items = statsAfter.items - statsBefore.items;
  const sizes = [];
  statsAfter.batchSizes.forEach((count, size) => {
    const delta = count - (statsBefore.batchSizes[size] ?? 0);
    for (let i = 0; i < delta; i++) sizes.push(size);
  });
  sizes.sort((x, y) => x - y);
  const pct = (p) => sizes[Math.min(sizes.length - 1, Math.floor((p / 100) * sizes.length))] ?? 0;
  const result = {
    appenders: APPENDERS,
    streams: STREAMS,
    maxBatchesInFlight: IN_FLIGHT,
    seconds: Number(elapsed.toFixed(1)),
    appendsPerSec: Math.round(appends / elapsed),
    conflictsPerSec: Math.round(conflicts / elapsed),
    batchesPerSec: Math.round(batches / elapsed),
    batchSize: {
      mean: Number((items / batches).toFixed(1)),
      p50: pct(50),
      p90: pct(90),
      max: sizes[sizes.length - 1],
    },
    latencyMs: summary(latency),
    subscriberLagMs: SUBSCRIBER ? summary(lag) : undefined,
    nodeCpuUsPerAppend: Math.round((cpu.user + cpu.system) / appends),
    machine: machineLoad(),
    postgresBackendCpuUsPerAppend:
      pgCpuBefore && pgCpuAfter && pgCpuBefore.backends === pgCpuAfter.backends
        ? Math.round(((pgCpuAfter.seconds - pgCpuBefore.seconds) * 1e6) / appends)
        : undefined,
  };
  if (process.env.BENCH_JSON === '1') console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
  return result;
}

async function dropSchema(schema) {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
}

/** Runs the appenders in BENCH_PROCESSES child processes of this script; sums their figures. */
async function processes() {
  const { spawn } = require('node:child_process');
  const { PostgresEventStore } = load();
  const logger = require('pino')({ level: 'warn' });
  await (await PostgresEventStore.connect(url, { schema: SCHEMA, logger })).close(); // migrate once
  const runs = await Promise.all(
    Array.from({ length: PROCESSES }, (_, i) => {
      const env = {
        ...process.env,
        BENCH_PROCESSES: '1',
        BENCH_SCHEMA: SCHEMA,
        BENCH_APPENDERS: String(Math.round(APPENDERS / PROCESSES)),
        // Disjoint streams per process (as with routing by conversation) unless told otherwise.
        BENCH_STREAMS: String(SHARED_STREAMS ? STREAMS : Math.round(STREAMS / PROCESSES)),
        BENCH_STREAM_PREFIX: SHARED_STREAMS ? '' : `p${i}-`,
        BENCH_SUBSCRIBER: i === 0 && SUBSCRIBER ? '1' : '0',
        BENCH_JSON: '1',
      };
      const child = spawn(process.execPath, [__filename], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
      return new Promise((resolve, reject) =>
        child.on('exit', (code) =>
          code === 0
            ? resolve(JSON.parse(out.trim().split('\n').pop()))
            : reject(new Error(`child ${code}`)),
        ),
      );
    }),
  );
  await dropSchema(SCHEMA);
  const result = {
    processes: PROCESSES,
    sharedStreams: SHARED_STREAMS,
    appenders: APPENDERS,
    streams: STREAMS,
    appendsPerSec: runs.reduce((sum, r) => sum + r.appendsPerSec, 0),
    conflictsPerSec: runs.reduce((sum, r) => sum + r.conflictsPerSec, 0),
    batchesPerSec: runs.reduce((sum, r) => sum + r.batchesPerSec, 0),
    perProcess: runs.map((r) => ({
      appendsPerSec: r.appendsPerSec,
      batchSizeMean: r.batchSize.mean,
      latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99 },
      nodeCpuUsPerAppend: r.nodeCpuUsPerAppend,
      postgresBackendCpuUsPerAppend: r.postgresBackendCpuUsPerAppend,
    })),
    subscriberLagMs: runs[0].subscriberLagMs,
    machine: machineLoad(),
  };
  if (process.env.BENCH_JSON === '1') console.log(JSON.stringify(result));
  else console.log(JSON.stringify(result, null, 2));
  return result;
}

/** The machine is shared: how busy it was (load average, CPU pressure) goes with the figures. */
function machineLoad() {
  const os = require('node:os');
  let cpuPressureAvg10;
  try {
    const line = require('node:fs').readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    cpuPressureAvg10 = Number(/avg10=([\d.]+)/.exec(line)[1]);
  } catch {
    // not Linux, or no PSI
  }
  return {
    cores: os.cpus().length,
    loadAvg1m: Number(os.loadavg()[0].toFixed(1)),
    cpuPressureAvg10,
  };
}

/**
 * CPU seconds used so far by this bench's backends (found by application_name; precise
 * /proc/<pid>/schedstat run time), when the server runs on this machine; else undefined. Other
 * sessions on a shared server are not counted; the server's background processes are not
 * either (with synchronous_commit on, a backend flushes its own commit record).
 */
async function backendCpuSeconds(applicationName) {
  const { readFileSync } = require('node:fs');
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const { rows } = await admin.query(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  await admin.end();
  let total = 0;
  try {
    for (const { pid } of rows)
      total += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return undefined; // not local
  }
  return { seconds: total, backends: rows.length };
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { main };

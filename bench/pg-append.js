// PostgresEventStore append throughput and latency: 50 concurrent appenders, one event per
// append, over 500 streams, each append at the stream's exact expected revision (a shared head
// cache, as the command side keeps; a lost race re-reads the head, re-seals and retries), while
// one subscriber follows the log (as the projector does). Reports appends/s, the group-commit
// batch sizes seen, append latency p50/p99, subscriber lag, and Node CPU per append.
//
// The adapter's TypeScript is bundled on the fly with esbuild (like the int tests' child
// processes), so the bench needs neither a fresh dist/ nor the rest of the repo to build.
//
// Usage: DATABASE_URL=postgres://… node bench/pg-append.js
//   BENCH_SECONDS (10) BENCH_WARMUP_SECONDS (2) BENCH_APPENDERS (50) BENCH_STREAMS (500)
//   BENCH_IN_FLIGHT (2: maxBatchesInFlight) BENCH_SUBSCRIBER (1) BENCH_JSON (0: table)
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
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 2);
const SUBSCRIBER = process.env.BENCH_SUBSCRIBER !== '0';

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
  const { PostgresEventStore, sealEvents, GENESIS_HASH } = load();
  const schema = `bench_append_${process.pid}`;
  const logger = require('pino')({ level: 'warn' });
  const store = await PostgresEventStore.connect(url, {
    schema,
    poolSize: 10,
    maxBatchesInFlight: IN_FLIGHT,
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
      const streamId = `conversation-${Math.floor(Math.random() * STREAMS)}`;
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
        try {
          const result = await store.append(streamId, events, head ? head.revision : 'no_stream');
          heads.set(streamId, {
            revision: result.nextExpectedRevision,
            hash: events[0].metadata.hash,
          });
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
  const pgCpuBefore = await postgresCpuSeconds();
  measuring = true;
  const t0 = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const pgCpuAfter = await postgresCpuSeconds();
  const statsAfter = store.appendStats;
  stopping = true;
  await Promise.all(running);
  await subscription?.close();
  await store.close();
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();

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
    postgresCpuUsPerAppend:
      pgCpuBefore === undefined
        ? undefined
        : Math.round(((pgCpuAfter - pgCpuBefore) * 1e6) / appends),
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
 * CPU seconds used so far by the server's processes (postmaster and its children, via /proc),
 * when the server runs on this machine and its data directory is readable; else undefined.
 */
async function postgresCpuSeconds() {
  const { readdirSync, readFileSync } = require('node:fs');
  const ticks = 100; // USER_HZ
  let postmaster;
  try {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    const { rows } = await admin.query('SHOW data_directory');
    await admin.end();
    postmaster = readFileSync(join(rows[0].data_directory, 'postmaster.pid'), 'utf8').split(
      '\n',
    )[0];
  } catch {
    return undefined;
  }
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (pid !== postmaster && fields[1] !== postmaster) continue;
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { main };

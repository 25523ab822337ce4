// Runs every benchmark and writes docs/benchmarks.md (figures, machine facts, command).
// Latency and throughput scenarios run BENCH_REPEAT times (default 3) and the median run is
// reported, with every run listed: the machines are shared and single runs are noisy.
// Usage: npm run bench   (BENCH_SECONDS, BENCH_IDLE_SOCKETS, BENCH_REPEAT tune it)
'use strict';
const { writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const http = require('./http-send');
const ws = require('./ws-bench');
const { median } = require('./lib/stats');
const { httpSection, wsSection } = require('./lib/report');

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

function machine() {
  const cpu = os.cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** The run whose `key(run)` is the median of all runs. */
function medianRun(runs, key) {
  const m = median(runs.map(key));
  return runs.reduce((best, r) => (Math.abs(key(r) - m) < Math.abs(key(best) - m) ? r : best));
}

async function repeat(fn) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await fn());
  return runs;
}

async function main() {
  const only = process.argv[2];
  let httpReport = '';
  let wsReport = '';
  const raw = { date: new Date().toISOString(), machine: machine() };
  if (only !== 'ws') {
    const runs = await repeat(() => http.main());
    raw.http = runs;
    httpReport = httpSection(medianRun(runs, (r) => r.ratio), runs);
  }
  if (only !== 'http') {
    process.env.BENCH_SCENARIOS = 'pairs,group';
    const runs = await repeat(() => ws.main());
    process.env.BENCH_SCENARIOS = 'idle';
    const idle = await ws.main();
    Object.assign(raw, { ws: runs, idle });
    wsReport = wsSection(runs, medianRun(runs, (r) => r.chat.pairs.p99), idle);
  }
  const doc = `# Benchmarks

Produced by \`npm run bench\` (\`node bench/run-all.js\`) on ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine()}. Everything (server, load generator, clients) shares these cores, so the figures are
a floor for a real deployment. Each throughput/latency scenario ran ${REPEAT} times in this one run; the
median run is reported and every run is listed. Floors are measured in the same run and reported as
ratios. Embedded mode (LMDB on local disk, fsync on every acknowledged write, group-committed).

${httpReport}
${wsReport}`;
  writeFileSync(join(__dirname, '..', 'docs', 'benchmarks.md'), doc);
  // Every run's raw figures, for checking the report (or re-rendering it) without re-running.
  writeFileSync(join(__dirname, '..', 'docs', 'benchmarks-raw.json'), JSON.stringify(raw, null, 2) + '\n');
  process.stdout.write(doc);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

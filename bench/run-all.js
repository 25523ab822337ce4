// Runs every benchmark once and writes docs/benchmarks.md (figures, machine facts, command).
// Usage: npm run bench   (BENCH_SECONDS, BENCH_IDLE_SOCKETS tune the run length and size)
'use strict';
const { writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const http = require('./http-send');
const ws = require('./ws-bench');

const f = (n, d = 1) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(d) : String(n));

function machine() {
  const cpu = os.cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function httpSection(h) {
  return `## Durable sends through HTTP (50 concurrent senders, ${process.env.BENCH_SECONDS ?? 10} s each)

| stack | req/s (median of 1-s samples) | mean | latency p50 | p99 | non-2xx | errors |
| --- | --- | --- | --- | --- | --- | --- |
| floor: bare node:http, in memory | ${f(h.floor.reqPerSecMedian, 0)} | ${f(h.floor.reqPerSec, 0)} | ${h.floor.latencyP50} ms | ${h.floor.latencyP99} ms | ${h.floor.non2xx} | ${h.floor.errors} |
| this server (JWT, validation, fsync'd LMDB append, projection, push) | ${f(h.chat.reqPerSecMedian, 0)} | ${f(h.chat.reqPerSec, 0)} | ${h.chat.latencyP50} ms | ${h.chat.latencyP99} ms | ${h.chat.non2xx} | ${h.chat.errors} |

Ratio to the floor: **${f(h.ratio, 2)}**. Accept→push lag (server's \`sentAt\` to the WebSocket frame at a
receiver, so it includes the fsync, the projection into the read models and the push): p50 ${f(h.lag.p50, 2)} ms,
p99 ${f(h.lag.p99, 2)} ms, p99.9 ${f(h.lag.p999, 2)} ms over ${h.lag.count} messages. Server RSS after the run: ${f(h.serverRssKiB / 1024, 0)} MiB.
`;
}

function wsRow(name, r) {
  return `| ${name} | ${r.sent} | ${r.received} | ${r.errors} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.p999, 2)} | ${f(r.max, 2)} |`;
}

function wsSection(w) {
  return `## WebSocket send→receive latency (${process.env.BENCH_SECONDS ?? 15} s per scenario, clients in a separate process)

| scenario | sent | received | errors | p50 ms | p99 ms | p99.9 ms | max ms |
| --- | --- | --- | --- | --- | --- | --- | --- |
${wsRow('floor: bare ws relay, 1,000 users 1:1 at 1,000 msg/s', w.floor.pairs)}
${wsRow('this server, 1,000 users 1:1 at 1,000 msg/s', w.chat.pairs)}
${wsRow('floor: bare ws relay, 100-member group at 100 msg/s', w.floor.group)}
${wsRow('this server, 100-member group at 100 msg/s', w.chat.group)}

p99 ratio to the floor: 1:1 **${f(w.ratios.pairsP99, 2)}**, group **${f(w.ratios.groupP99, 2)}**.
(Group: every message is received by 99 members, so "received" counts deliveries.)

## Idle connections

| server | sockets | RSS before | RSS after | KiB per socket |
| --- | --- | --- | --- | --- |
| floor: bare ws relay | ${w.floor.idle.sockets} | ${f(w.floor.idle.rssBeforeKiB / 1024, 0)} MiB | ${f(w.floor.idle.rssAfterKiB / 1024, 0)} MiB | ${f(w.floor.idle.kibPerSocket, 2)} |
| this server (authenticated, presence tracked) | ${w.chat.idle.sockets} | ${f(w.chat.idle.rssBeforeKiB / 1024, 0)} MiB | ${f(w.chat.idle.rssAfterKiB / 1024, 0)} MiB | ${f(w.chat.idle.kibPerSocket, 2)} |

That is ${f(1024 * 1024 / w.chat.idle.kibPerSocket, 0)} idle connections per GiB (ratio to the floor: ${f(w.ratios.idleKiB, 2)}).
A process may hold at most 20,000 open files here, so one server process holds at most ~19,000 sockets;
the clients are spread over two processes.
`;
}

async function main() {
  const only = process.argv[2];
  const h = only === 'ws' ? undefined : await http.main();
  const w = only === 'http' ? undefined : await ws.main();
  const doc = `# Benchmarks

Produced by \`npm run bench\` (\`node bench/run-all.js\`) on ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine()}. Everything (server, load generator, clients) shares these cores, so the figures are
a floor for a real deployment. Floors are measured in the same run and reported as ratios, since the
machines are shared and noisy. Embedded mode (LMDB on local disk, fsync on every acknowledged write,
group-committed).

${h ? httpSection(h) : ''}
${w ? wsSection(w) : ''}`;
  writeFileSync(join(__dirname, '..', 'docs', 'benchmarks.md'), doc);
  process.stdout.write(doc);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

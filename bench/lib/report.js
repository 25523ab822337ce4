// Markdown sections of docs/benchmarks.md.
'use strict';

const f = (n, d = 1) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(d) : String(n));
const list = (runs, pick, d = 1) => runs.map((r) => f(pick(r), d)).join(', ');

function httpSection(h, runs) {
  return `## Durable sends through HTTP (50 concurrent senders, ${process.env.BENCH_SECONDS ?? 10} s each)

Median run:

| stack | req/s (median of 1-s samples) | mean | latency p50 | p99 | non-2xx | errors |
| --- | --- | --- | --- | --- | --- | --- |
| floor: bare node:http, in memory | ${f(h.floor.reqPerSecMedian, 0)} | ${f(h.floor.reqPerSec, 0)} | ${h.floor.latencyP50} ms | ${h.floor.latencyP99} ms | ${h.floor.non2xx} | ${h.floor.errors} |
| this server (JWT, validation, fsync'd LMDB append, projection, push) | ${f(h.chat.reqPerSecMedian, 0)} | ${f(h.chat.reqPerSec, 0)} | ${h.chat.latencyP50} ms | ${h.chat.latencyP99} ms | ${h.chat.non2xx} | ${h.chat.errors} |

Ratio to the floor: **${f(h.ratio, 2)}** (all runs: ${list(runs, (r) => r.ratio, 2)}; our req/s: ${list(runs, (r) => r.chat.reqPerSecMedian, 0)};
floor req/s: ${list(runs, (r) => r.floor.reqPerSecMedian, 0)}).

Append→projection lag while saturated (the issue's measure: from an event's timestamp, taken when its
command is decided, to its read-model write being committed; the server's own
\`chat_projection_lag_seconds\` histogram, observations made during the run): p50 ${f(h.projectionLag.p50, 1)} ms,
**p99 ${f(h.projectionLag.p99, 1)} ms**, ${f(100 * h.projectionLag.within20ms, 2)}% within 20 ms, over ${h.projectionLag.count} messages
(p99 of all runs: ${list(runs, (r) => r.projectionLag.p99)} ms; share within 20 ms: ${list(runs, (r) => 100 * r.projectionLag.within20ms, 2)}%).
p50/p99 are interpolated within the histogram's buckets (2.5 ms wide from 5 to 20 ms; 20 ms is a bound).

Accept→push lag, the stricter end-to-end figure (server's \`sentAt\` to the WebSocket frame at a
receiver in another process: the fsync, the projection, the publish, the push and the receiver's own
event loop): p50 ${f(h.lag.p50, 2)} ms, p99 ${f(h.lag.p99, 2)} ms,
p99.9 ${f(h.lag.p999, 2)} ms over ${h.lag.count} messages (p99 of all runs: ${list(runs, (r) => r.lag.p99)} ms).
Server RSS after the run: ${f(h.serverRssKiB / 1024, 0)} MiB.
`;
}

const row = (name, r) =>
  `| ${name} | ${r.sent} | ${r.received} | ${r.errors} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.p999, 2)} | ${f(r.ack?.p50, 2)} / ${f(r.ack?.p99, 2)} |`;

function wsSection(runs, w, idle) {
  return `## WebSocket send→receive latency (${process.env.BENCH_SECONDS ?? 15} s per scenario, clients in a separate process)

Median run (by the 1:1 p99):

| scenario | sent | received | errors | p50 ms | p99 ms | p99.9 ms | ack p50 / p99 ms |
| --- | --- | --- | --- | --- | --- | --- | --- |
${row('floor: bare ws relay, 1,000 users 1:1 at 1,000 msg/s', w.floor.pairs)}
${row('this server, 1,000 users 1:1 at 1,000 msg/s', w.chat.pairs)}
${row('floor: bare ws relay, 100-member group at 100 msg/s', w.floor.group)}
${row('this server, 100-member group at 100 msg/s', w.chat.group)}

p99 ratio to the floor: 1:1 **${f(w.ratios.pairsP99, 2)}**, group **${f(w.ratios.groupP99, 2)}**. All runs, this server's p99:
1:1 ${list(runs, (r) => r.chat.pairs.p99, 2)} ms; group ${list(runs, (r) => r.chat.group.p99, 2)} ms.
"ack" is send→ack (the append is durable); "received" counts deliveries (99 per group message).
Server event-loop delay during the 1:1 run (prom-client, 10 ms resolution): p99 ${f(w.chat.pairs.server?.eventLoopLagP99ms, 1)} ms.

## Idle connections

| server | sockets | RSS before | RSS after | KiB per socket |
| --- | --- | --- | --- | --- |
| floor: bare ws relay | ${idle.floor.idle.sockets} | ${f(idle.floor.idle.rssBeforeKiB / 1024, 0)} MiB | ${f(idle.floor.idle.rssAfterKiB / 1024, 0)} MiB | ${f(idle.floor.idle.kibPerSocket, 2)} |
| this server (authenticated, presence tracked) | ${idle.chat.idle.sockets} | ${f(idle.chat.idle.rssBeforeKiB / 1024, 0)} MiB | ${f(idle.chat.idle.rssAfterKiB / 1024, 0)} MiB | ${f(idle.chat.idle.kibPerSocket, 2)} |

That is ${f((1024 * 1024) / idle.chat.idle.kibPerSocket, 0)} idle connections per GiB (ratio to the floor: ${f(idle.ratios.idleKiB, 2)}).
A process may hold at most 20,000 open files here, so one server process holds at most ~19,000 sockets;
the clients are spread over two processes.
`;
}

module.exports = { httpSection, wsSection };

// Load generator in a process of its own (so its CPU is measured apart from the orchestrator's
// and the servers'): closed-loop autocannon, one sender per connection, as bench/http-send.js
// does. Reads one JSON line on stdin:
//   {urls: [baseUrl…], senders: [{userId, token, conversationIds: […]}], warmupSeconds,
//    seconds, tag}
// Connection i goes to urls[i % urls.length] (autocannon's own spread) and is sender i: it sends
// to its conversations in turn, each request with a fresh clientMessageId.
// Writes JSON lines on stdout: {"phase":"measuring"} when the measured part starts, then
// {"phase":"done", result}.
'use strict';
const autocannon = require('autocannon');
const readline = require('node:readline');

const pick = (r, statuses) => ({
  seconds: r.duration,
  total: r.requests.total,
  sendsPerSec: r.requests.total / r.duration,
  reqPerSecMedian: r.requests.p50,
  latencyP50: r.latency.p50,
  latencyP90: r.latency.p90,
  latencyP99: r.latency.p99,
  latencyMax: r.latency.max,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  statuses,
});

function run({ urls, senders, seconds, prefix }) {
  let next = 0;
  const statuses = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: urls.length === 1 ? urls[0] : urls,
        connections: senders.length,
        duration: seconds,
        timeout: 30,
        setupClient: (client) => {
          const s = senders[next++ % senders.length];
          let n = 0;
          const request = () => ({
            method: 'POST',
            path: `/v1/conversations/${s.conversationIds[n % s.conversationIds.length]}/messages`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
            body: JSON.stringify({ clientMessageId: `${prefix}-${s.userId}-${n++}`, body: 'hello from the benchmark' }),
          });
          client.setRequests([request()]);
          client.on('response', (status) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            client.setRequests([request()]);
          });
        },
      },
      (err, result) => (err ? reject(err) : resolve(pick(result, statuses))),
    );
    process.once('SIGTERM', () => instance.stop());
  });
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const config = JSON.parse((await lines.next()).value);
  const tag = config.tag ?? String(process.pid);
  if (config.warmupSeconds > 0) await run({ ...config, seconds: config.warmupSeconds, prefix: `${tag}-warm` });
  process.stdout.write(JSON.stringify({ phase: 'measuring' }) + '\n');
  const cpu0 = process.cpuUsage();
  const result = await run({ ...config, prefix: `${tag}-run` });
  const cpu = process.cpuUsage(cpu0);
  result.loadCpuUsPerRequest = (cpu.user + cpu.system) / Math.max(1, result.total);
  process.stdout.write(JSON.stringify({ phase: 'done', result }) + '\n');
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

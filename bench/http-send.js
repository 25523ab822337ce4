// Durable sends through the public HTTP API with 50 concurrent senders (autocannon), against
// the bare node:http floor in the same run; plus accept→push lag measured by WebSocket receivers.
'use strict';
const autocannon = require('autocannon');
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const readline = require('node:readline');
const { startServer } = require('./lib/server');
const { devToken, createConversation, pool } = require('./lib/api');
const { newHistogram, summary } = require('./lib/stats');
const prom = require('./lib/prom-histogram');

const SENDERS = 50;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

function runAutocannon(baseUrl, senders) {
  let nextClient = 0;
  // One sender per connection; every request carries a fresh clientMessageId (autocannon
  // clears a request's context on each loop, so the counter lives with the client).
  return autocannon({
    url: baseUrl,
    connections: SENDERS,
    duration: DURATION,
    setupClient: (client) => {
      const s = senders[nextClient++ % senders.length];
      let n = 0;
      const request = () => ({
        method: 'POST',
        path: `/v1/conversations/${s.conversationId}/messages`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
        body: JSON.stringify({ clientMessageId: `${s.userId}-${n++}`, body: 'hello from the benchmark' }),
      });
      client.setRequests([request()]);
      client.on('response', () => client.setRequests([request()]));
    },
  });
}

async function prepareChat(baseUrl) {
  const ids = Array.from({ length: SENDERS }, (_, i) => i);
  return pool(ids, 10, async (i) => {
    const userId = `sender${i}`;
    const peerId = `peer${i}`;
    const token = await devToken(baseUrl, userId);
    const peerToken = await devToken(baseUrl, peerId);
    const conversationId = await createConversation(baseUrl, token, 'direct', [userId, peerId]);
    return { userId, token, peerToken, conversationId };
  });
}

/**
 * Receivers (one socket per peer, in their own process: bench/lag-receivers.js) measure
 * now − sentAt (the server's acceptance time) for every pushed message. Resolves once they are
 * connected, to a function that stops them and resolves to the lag summary.
 */
async function startReceivers(wsUrl, senders) {
  const child = spawn(process.execPath, [join(__dirname, 'lag-receivers.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.stdin.write(JSON.stringify({ wsUrl, tokens: senders.map((s) => s.peerToken) }) + '\n');
  await lines.next(); // {"ready":true}
  return async () => {
    child.stdin.write('stop\n');
    const { value } = await lines.next();
    return JSON.parse(value);
  };
}

async function benchFloor() {
  const floor = await startServer({ entry: 'bench/floor-http-server.js' });
  const senders = Array.from({ length: SENDERS }, (_, i) => ({ userId: `s${i}`, token: 'x', conversationId: `c${i}` }));
  const result = await runAutocannon(floor.baseUrl, senders);
  await floor.stop();
  return result;
}

const LAG_METRIC = 'chat_projection_lag_seconds';
const scrapeLag = async (baseUrl) => prom.parseHistogram(await (await fetch(`${baseUrl}/metrics`)).text(), LAG_METRIC);

/**
 * Append→projection lag as the issue defines it: from an event's timestamp (taken when the
 * command is decided) to its read-model write being committed, from the server's own histogram
 * (observations made during the run: the difference of two scrapes). 20 ms is a bucket bound,
 * so the share within 20 ms is exact; p50/p99 are interpolated within buckets.
 */
function projectionLag(before, after) {
  const buckets = prom.diff(after, before);
  return {
    count: buckets[buckets.length - 1]?.count ?? 0,
    p50: prom.quantile(buckets, 0.5) * 1000,
    p99: prom.quantile(buckets, 0.99) * 1000,
    within20ms: prom.shareAtMost(buckets, 0.02),
  };
}

async function benchChat() {
  const server = await startServer();
  const senders = await prepareChat(server.baseUrl);
  const stopReceivers = process.env.BENCH_NO_RECEIVERS ? async () => summary(newHistogram()) : await startReceivers(server.wsUrl, senders);
  const lagBefore = await scrapeLag(server.baseUrl);
  const result = await runAutocannon(server.baseUrl, senders);
  await new Promise((r) => setTimeout(r, 1000)); // let the last pushes arrive
  const lag = await stopReceivers();
  const projection = projectionLag(lagBefore, await scrapeLag(server.baseUrl));
  const rssKiB = server.rssKiB();
  await server.stop();
  return { result, lag, projection, rssKiB };
}

const pick = (r) => ({
  reqPerSec: r.requests.average,
  reqPerSecMedian: r.requests.p50,
  latencyP50: r.latency.p50,
  latencyP99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
  total: r.requests.total,
});

async function main() {
  // BENCH_SKIP_FLOOR=1 measures only this server (quicker iterations; no ratio).
  const floor = process.env.BENCH_SKIP_FLOOR ? {} : pick(await benchFloor());
  const chat = await benchChat();
  const out = { floor, chat: pick(chat.result), lag: chat.lag, projectionLag: chat.projection, ratio: chat.result.requests.p50 / floor.reqPerSecMedian, serverRssKiB: chat.rssKiB };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return out;
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
module.exports = { main };

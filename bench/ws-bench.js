// WebSocket benchmark: send→receive latency at 1,000 users / 1,000 msgs/s 1:1 and in a
// 100-member group at 100 msgs/s, and RSS per idle connection — for the full server and for
// the bare `ws` relay floor, in the same run. Clients run in separate processes.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const readline = require('node:readline');
const hdr = require('hdr-histogram-js');
const { createSigner } = require('fast-jwt');
const { startServer } = require('./lib/server');
const { call, createConversation, pool } = require('./lib/api');
const { summary } = require('./lib/stats');

const SECRET = 'bench-secret-bench-secret-bench-secret';
const sign = createSigner({ key: SECRET, expiresIn: 3600_000 });
const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
const IDLE = Number(process.env.BENCH_IDLE_SOCKETS ?? 19_000);

/** Runs one client process with `cfg`; `onLine` sees every JSON line it prints. */
function clientProcess(cfg, onLine = () => {}) {
  const child = spawn(process.execPath, [join(__dirname, 'ws-clients.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  readline.createInterface({ input: child.stdout }).on('line', (l) => {
    const msg = JSON.parse(l);
    lines.push(msg);
    onLine(msg, child);
  });
  child.stdin.write(JSON.stringify(cfg) + '\n');
  const done = new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(lines.at(-1)) : reject(new Error(`client exited ${code}`)))),
  );
  return { child, done };
}

/** Target adapters: the real server (JWTs, API conversations) or the floor relay. */
const targets = {
  chat: {
    start: () => startServer({ env: { JWT_SECRET: SECRET, MAX_GROUP_SIZE: '1000' } }),
    token: (userId) => sign({ sub: userId, roles: ['user'] }),
    conversation: (srv, users, kind) => createConversation(srv.baseUrl, users[0].token, kind, users.map((u) => u.userId), kind === 'group' ? 'bench' : undefined),
  },
  floor: {
    start: () => startServer({ entry: 'bench/ws-floor-relay.js' }),
    token: (userId) => userId,
    conversation: async (srv, users) => {
      const conversationId = `c-${users[0].userId}`;
      await call(srv.baseUrl, 'POST', '/conversations', { conversationId, members: users.map((u) => u.userId) });
      return conversationId;
    },
  },
};

const makeUsers = (target, prefix, n) => Array.from({ length: n }, (_, i) => ({ userId: `${prefix}${i}`, token: target.token(`${prefix}${i}`) }));

/** Event-loop delay and GC figures from the server's /metrics (prom-client defaults), if it has them. */
async function serverGauges(srv) {
  try {
    const text = await (await fetch(`${srv.baseUrl}/metrics`)).text();
    const pick = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1]);
    return { eventLoopLagP50ms: pick('nodejs_eventloop_lag_p50_seconds') * 1000, eventLoopLagP99ms: pick('nodejs_eventloop_lag_p99_seconds') * 1000, eventLoopLagMaxMs: pick('nodejs_eventloop_lag_max_seconds') * 1000 };
  } catch {
    return undefined;
  }
}

async function latency(target, srv, scenario) {
  const users = makeUsers(target, scenario.name, scenario.users);
  const routes = [];
  if (scenario.name === 'pairs') {
    const pairs = Array.from({ length: users.length / 2 }, (_, i) => [users[2 * i], users[2 * i + 1]]);
    const ids = await pool(pairs, 20, (p) => target.conversation(srv, p, 'direct'));
    ids.forEach((conversationId, i) => routes.push({ from: 2 * i, conversationId }, { from: 2 * i + 1, conversationId }));
  } else {
    const conversationId = await target.conversation(srv, users, 'group');
    users.forEach((_, i) => routes.push({ from: i, conversationId }));
  }
  const { done } = clientProcess({ mode: 'load', wsUrl: srv.wsUrl, users, routes, ratePerSec: scenario.rate, durationSec: DURATION });
  const r = await done;
  const h = hdr.decodeFromCompressedBase64(r.histogram);
  const ack = summary(hdr.decodeFromCompressedBase64(r.ackHistogram));
  return { sent: r.sent, acks: r.acks, received: r.received, errors: r.errors, ...summary(h), ack, server: await serverGauges(srv) };
}

async function idle(target, srv) {
  const users = makeUsers(target, 'idle', IDLE);
  const before = srv.rssKiB();
  const half = Math.ceil(users.length / 2);
  const procs = [users.slice(0, half), users.slice(half)].map((part) => {
    let opened;
    const ready = new Promise((r) => (opened = r));
    const p = clientProcess({ mode: 'idle', wsUrl: srv.wsUrl, users: part }, (msg) => msg.open && opened());
    return { ...p, ready };
  });
  await Promise.all(procs.map((p) => p.ready));
  await new Promise((r) => setTimeout(r, 3000)); // let the server settle (GC, buffers)
  const after = srv.rssKiB();
  procs.forEach((p) => p.child.stdin.write('stop\n'));
  await Promise.all(procs.map((p) => p.done));
  return { sockets: users.length, rssBeforeKiB: before, rssAfterKiB: after, kibPerSocket: (after - before) / users.length };
}

// BENCH_SCENARIOS=pairs,group,idle selects scenarios (all by default), for quicker iterations.
async function benchTarget(name) {
  const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'pairs,group,idle').split(',');
  const target = targets[name];
  const out = {};
  let srv = await target.start();
  if (SCENARIOS.includes('pairs')) out.pairs = await latency(target, srv, { name: 'pairs', users: 1000, rate: 1000 });
  if (SCENARIOS.includes('group')) out.group = await latency(target, srv, { name: 'group', users: 100, rate: 100 });
  await srv.stop();
  if (SCENARIOS.includes('idle')) {
    srv = await target.start(); // fresh process, so idle RSS is not inflated by the load phase
    out.idle = await idle(target, srv);
    await srv.stop();
  }
  return out;
}

async function main() {
  const floor = process.env.BENCH_SKIP_FLOOR ? {} : await benchTarget('floor');
  const chat = await benchTarget('chat');
  const ratio = (key, field) => (chat[key] && floor[key] ? chat[key][field] / floor[key][field] : undefined);
  const out = {
    floor,
    chat,
    ratios: { pairsP99: ratio('pairs', 'p99'), groupP99: ratio('group', 'p99'), idleKiB: ratio('idle', 'kibPerSocket') },
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return out;
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
module.exports = { main };

// A benchmark client process: opens WebSocket connections for the users it is given and
// either sends at a fixed rate and records send→receive latency (µs, HDR histogram), or just
// holds idle connections. Config arrives as JSON on stdin; results leave as one JSON line.
'use strict';
const WebSocket = require('ws');
const hdr = require('hdr-histogram-js');

const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

function connect(wsUrl, user, onFrame) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}?token=${encodeURIComponent(user.token)}`, { perMessageDeflate: false });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
    if (onFrame) ws.on('message', (raw) => onFrame(JSON.parse(raw)));
  });
}

async function openAll(cfg, onFrame) {
  const sockets = [];
  for (let i = 0; i < cfg.users.length; i += 200) {
    const batch = cfg.users.slice(i, i + 200);
    sockets.push(...(await Promise.all(batch.map((u) => connect(cfg.wsUrl, u, onFrame && ((f) => onFrame(u, f)))))));
  }
  return sockets;
}

async function runLoad(cfg) {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const ackHistogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const sentAt = new Map();
  let received = 0;
  let acks = 0;
  let errors = 0;
  const sockets = await openAll(cfg, (user, f) => {
    if (f.type === 'message' && f.senderId !== user.userId && f.body.startsWith('t=')) {
      histogram.recordValue(Math.max(1, nowMicros() - Number(f.body.slice(2))));
      received++;
    } else if (f.type === 'ack') {
      acks++;
      const t = sentAt.get(f.clientMessageId);
      if (t !== undefined) ackHistogram.recordValue(Math.max(1, nowMicros() - t)), sentAt.delete(f.clientMessageId);
    }
    else if (f.type === 'error') errors++;
  });
  // routes: [{from: userIndex, conversationId}] — pick one at random per message.
  const perTick = cfg.ratePerSec / 100;
  let carry = 0;
  let sent = 0;
  const endAt = Date.now() + cfg.durationSec * 1000;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      if (Date.now() >= endAt) return clearInterval(timer), resolve();
      carry += perTick;
      for (; carry >= 1; carry--) {
        const r = cfg.routes[Math.floor(Math.random() * cfg.routes.length)];
        const clientMessageId = `b${process.pid}-${sent++}`;
        const t = nowMicros();
        sentAt.set(clientMessageId, t);
        sockets[r.from].send(JSON.stringify({ type: 'send', conversationId: r.conversationId, clientMessageId, body: `t=${t}` }));
      }
    }, 10);
  });
  await new Promise((r) => setTimeout(r, 2000)); // drain in-flight messages
  sockets.forEach((ws) => ws.terminate());
  return { sent, acks, received, errors, histogram: hdr.encodeIntoCompressedBase64(histogram), ackHistogram: hdr.encodeIntoCompressedBase64(ackHistogram) };
}

async function runIdle(cfg) {
  const sockets = await openAll(cfg);
  process.stdout.write(JSON.stringify({ open: sockets.length }) + '\n');
  await new Promise((resolve) => process.stdin.once('data', resolve)); // parent says "stop"
  sockets.forEach((ws) => ws.terminate());
  return { closed: sockets.length };
}

let input = '';
process.stdin.on('data', function onData(chunk) {
  input += chunk;
  if (!input.includes('\n')) return;
  process.stdin.off('data', onData);
  const cfg = JSON.parse(input);
  (cfg.mode === 'idle' ? runIdle(cfg) : runLoad(cfg))
    .then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
    .then(() => process.exit(0))
    .catch((e) => {
      process.stderr.write(String(e && e.stack) + '\n');
      process.exit(1);
    });
});

// A receiver process for the HTTP benchmark: one WebSocket per receiving user, recording
// accept→push lag (now − the server's `sentAt`) for every pushed message. It runs apart from
// the load generator so that parsing the pushes does not slow the senders down.
// Protocol: a JSON line {wsUrl, tokens} on stdin → prints {"ready":true}; "stop" on stdin →
// prints the lag summary (ms) as one JSON line and exits.
'use strict';
const readline = require('node:readline');
const WebSocket = require('ws');
const { newHistogram, summary } = require('./lib/stats');

const lag = newHistogram();
const sockets = [];

function connect(wsUrl, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw);
      if (frame.type === 'message') lag.recordValue(Math.max(1, (Date.now() - Date.parse(frame.sentAt)) * 1000));
    });
  });
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  if (line === 'stop') {
    sockets.forEach((ws) => ws.close());
    process.stdout.write(JSON.stringify(summary(lag)) + '\n', () => process.exit(0));
    return;
  }
  const { wsUrl, tokens } = JSON.parse(line);
  sockets.push(...(await Promise.all(tokens.map((t) => connect(wsUrl, t)))));
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
});

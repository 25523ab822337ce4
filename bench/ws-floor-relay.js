// The gateway floor from ARCHITECTURE.md: a bare `ws` relay that keeps nothing durable.
// ?token=<userId> (no verification); POST /conversations {conversationId, members} registers
// membership; a `send` frame is acked to the sender and pushed to the other members.
'use strict';
const http = require('node:http');
const { WebSocketServer } = require('ws');

const members = new Map(); // conversationId → userIds
const sockets = new Map(); // userId → Set<ws>
const seqs = new Map();

const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('{"status":"ok"}');
  if (req.method !== 'POST' || req.url !== '/conversations') return res.writeHead(404).end();
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const { conversationId, members: list } = JSON.parse(body);
    members.set(conversationId, list);
    res.end('{}');
  });
});
const wss = new WebSocketServer({ server, path: '/v1/ws' });
wss.on('connection', (ws, req) => {
  const userId = new URL(req.url, 'http://x').searchParams.get('token');
  if (!sockets.has(userId)) sockets.set(userId, new Set());
  sockets.get(userId).add(ws);
  ws.on('close', () => sockets.get(userId).delete(ws));
  ws.on('message', (raw) => {
    const f = JSON.parse(raw);
    if (f.type !== 'send') return;
    const seq = (seqs.get(f.conversationId) ?? 0) + 1;
    seqs.set(f.conversationId, seq);
    ws.send(JSON.stringify({ type: 'ack', clientMessageId: f.clientMessageId, messageId: String(seq), seq }));
    const out = JSON.stringify({ type: 'message', conversationId: f.conversationId, seq, senderId: userId, body: f.body, sentAt: new Date().toISOString() });
    for (const m of members.get(f.conversationId) ?? []) for (const s of sockets.get(m) ?? []) s.send(out);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');

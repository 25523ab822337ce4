// The floor from ARCHITECTURE.md: a bare node:http server that keeps messages in memory and
// answers POST /v1/conversations/:id/messages with {messageId, seq}. No auth, no validation,
// no durability: what any real stack is measured against.
'use strict';
const http = require('node:http');
const { randomUUID } = require('node:crypto');

const conversations = new Map();
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return res.end('{"status":"ok"}');
  const m = /^\/v1\/conversations\/([^/]+)\/messages$/.exec(req.url);
  if (req.method !== 'POST' || !m) {
    res.statusCode = 404;
    return res.end();
  }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const msg = JSON.parse(body);
    const list = conversations.get(m[1]) ?? [];
    conversations.set(m[1], list);
    list.push({ ...msg, messageId: randomUUID() });
    res.statusCode = 201;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ messageId: list.at(-1).messageId, seq: list.length }));
  });
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');

// Minimal HTTP helpers over the public API, for benchmark set-up.
'use strict';

async function call(baseUrl, method, path, body, token) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const devToken = async (baseUrl, userId) => (await call(baseUrl, 'POST', '/v1/auth/dev-token', { userId })).token;

async function createConversation(baseUrl, token, kind, members, title) {
  return (await call(baseUrl, 'POST', '/v1/conversations', { kind, members, title }, token)).conversationId;
}

/** Runs fn over items with at most `limit` in flight. */
async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

module.exports = { call, devToken, createConversation, pool };

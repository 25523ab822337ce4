// Starts a production-mode app (default: the command API) as test/real/production-stack.ts
// does: CHAT_MODE=production, a shared JWT secret, DEV_TOKENS, DATABASE_URL and
// CASSANDRA_CONTACT_POINTS from the environment (or from .infra/env, written by
// `npm run infra:up`), PORT=0 and LOG_LEVEL=info; the port is read from the
// `"event":"listening"` log line, then /health is polled until it answers 200.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const JWT_SECRET = 'pg-bench-secret-'.padEnd(48, 'x');

/** DATABASE_URL & co. from the environment, else from .infra/env. */
function infraEnv() {
  const file = join(ROOT, '.infra', 'env');
  const fromFile = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) fromFile[m[1]] = m[2];
    }
  }
  const pick = (name) => process.env[name] ?? fromFile[name];
  const env = {};
  for (const name of ['DATABASE_URL', 'CASSANDRA_CONTACT_POINTS', 'CASSANDRA_LOCAL_DC']) {
    if (pick(name)) env[name] = pick(name);
  }
  for (const name of ['DATABASE_URL', 'CASSANDRA_CONTACT_POINTS']) {
    if (!env[name]) throw new Error(`${name} is not set (npm run infra:up writes .infra/env)`);
  }
  return env;
}

function listeningPort(output) {
  for (const line of output.split('\n')) {
    if (!line.includes('"listening"')) continue;
    try {
      const parsed = JSON.parse(line);
      if (parsed.event === 'listening' && typeof parsed.port === 'number') return parsed.port;
    } catch {
      /* partial line */
    }
  }
  return undefined;
}

/**
 * Returns {baseUrl, pid, waitForEvent(event, ms), output(), outputBytes(), stop()}. nodeArgs go before the entry
 * (e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']).
 */
async function startProductionApp({ main = 'dist/apps/command-api/src/main.js', env = {}, nodeArgs = [], timeoutMs = 60_000 } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, main)], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...infraEnv(),
      CHAT_MODE: 'production',
      JWT_SECRET,
      DEV_TOKENS: 'true',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the head of the output (start-up lines, errors) and count the rest.
  let out = '';
  let bytes = 0;
  const keep = (chunk) => {
    bytes += chunk.length;
    if (out.length < 64 * 1024) out += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let gone;
  exited.then((c) => (gone = c));
  const deadline = Date.now() + timeoutMs;
  let port;
  while (!(port = listeningPort(out))) {
    if (gone !== undefined) throw new Error(`${main} exited (${gone}) before listening:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${main}: no "listening" line within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/health`)).status === 200) break;
    } catch {
      /* not yet */
    }
    if (gone !== undefined || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${main}: /health did not answer 200:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  /** The first JSON log line with `"event":"<event>"`, waiting for it (undefined on timeout). */
  const waitForEvent = async (event, waitMs = 300_000) => {
    const until = Date.now() + waitMs;
    for (;;) {
      for (const line of out.split('\n')) {
        if (!line.includes(`"${event}"`)) continue;
        try {
          const parsed = JSON.parse(line);
          if (parsed.event === event) return parsed;
        } catch {
          /* partial line */
        }
      }
      if (gone !== undefined || Date.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    baseUrl,
    pid: child.pid,
    waitForEvent,
    output: () => out,
    outputBytes: () => bytes,
    stop: async () => {
      if (gone === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}

module.exports = { startProductionApp, infraEnv, JWT_SECRET };

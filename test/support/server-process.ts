/* eslint-disable @typescript-eslint/no-explicit-any -- test JSON bodies are checked by assertions, not by types */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A started all-in-one server (the real built process, driven through its public port). */
export interface ServerProcess {
  baseUrl: string;
  /** ws://127.0.0.1:port/v1/ws */
  wsUrl: string;
  dataDir: string;
  pid: number;
  /** SIGTERM; resolves the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
  /** SIGKILL (simulated crash); resolves once the process is gone. */
  kill(): Promise<void>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

export interface StartOptions {
  /** The built entry point, relative to the repo (default: the all-in-one app). */
  main?: string;
  dataDir?: string;
  env?: Record<string, string>;
  /** Default 20 s. */
  startTimeoutMs?: number;
  /**
   * For a process without an HTTP port (the projector): started once its output contains this
   * text; no port, no health check.
   */
  ready?: string;
}

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist/apps/all-in-one/src/main.js');

export const newDataDir = (prefix = 'chat-e2e-'): string => mkdtempSync(join(tmpdir(), prefix));

/**
 * Spawns `node dist/apps/all-in-one/src/main.js` on an ephemeral port (PORT=0). The port is
 * read from the start-up log line (`"event":"listening"`), then GET /health is polled until
 * it answers 200. Requires a prior build (`npx tsc -b tsconfig.build.json`; `npm test` does it).
 */
export async function startServer(opts: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? newDataDir();
  const child = spawn(process.execPath, [opts.main ? join(ROOT, opts.main) : MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    if (opts.ready) {
      await waitForText(() => out, opts.ready, exited, opts.startTimeoutMs ?? 20_000);
      return handle(child, exited, '', '', dataDir, () => out);
    }
    const port = await waitForPort(() => out, exited, opts.startTimeoutMs ?? 20_000);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, exited);
    return handle(child, exited, baseUrl, `ws://127.0.0.1:${port}/v1/ws`, dataDir, () => out);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`server did not start: ${(err as Error).message}\n--- output ---\n${out}`);
  }
}

function handle(
  child: ChildProcess,
  exited: Promise<number | null>,
  baseUrl: string,
  wsUrl: string,
  dataDir: string,
  output: () => string,
): ServerProcess {
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    baseUrl,
    wsUrl,
    dataDir,
    pid: child.pid!,
    output,
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitForPort(
  out: () => string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<number> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code ?? -1));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const port = findListeningPort(out());
    if (port) return port;
    if (gone !== undefined) throw new Error(`process exited with ${gone}`);
    await sleep(25);
  }
  throw new Error(`no "listening" log line within ${timeoutMs} ms`);
}

async function waitForText(
  out: () => string,
  text: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code ?? -1));
  const deadline = Date.now() + timeoutMs;
  while (!out().includes(text)) {
    if (gone !== undefined) throw new Error(`process exited with ${gone}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** The port from the JSON start-up line `{"event":"listening","port":…}`. */
function findListeningPort(output: string): number | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('"listening"')) continue;
    try {
      const parsed = JSON.parse(line) as { event?: string; port?: number };
      if (parsed.event === 'listening' && typeof parsed.port === 'number') return parsed.port;
    } catch {
      // a partial line: the rest arrives with the next chunk
    }
  }
  return undefined;
}

async function waitForHealth(baseUrl: string, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let attempt = 0; attempt < 200 && !gone; attempt++) {
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) return;
    } catch {
      // not accepting yet
    }
    await sleep(25);
  }
  throw new Error(gone ? 'process exited before /health answered' : '/health did not answer 200');
}

/** Runs a built entry point that is expected to exit by itself (e.g. a refused start-up). */
export function runToExit(
  main: string,
  env: Record<string, string | undefined>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(ROOT, main)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((done) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    }),
  );
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Issues a dev token (embedded mode) for `userId`. */
export async function devToken(baseUrl: string, userId: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || !body.token)
    throw new Error(`dev-token ${res.status}: ${JSON.stringify(body)}`);
  return body.token;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export interface Api {
  get<T = any>(path: string): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  /** Raw request: the body string is sent as is (malformed JSON, oversize bodies…). */
  raw<T = any>(
    method: string,
    path: string,
    body?: string,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
}

/** A tiny JSON client bound to one base URL and bearer token (omit the token for anonymous calls). */
export function api(baseUrl: string, token?: string): Api {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const raw = async (
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      body,
      headers: { ...auth, ...headers },
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. the OpenAPI document): keep the text
    }
    return { status: res.status, body: parsed as any };
  };
  return {
    raw,
    get: (path) => raw('GET', path),
    post: (path, body) =>
      raw(
        'POST',
        path,
        body === undefined ? undefined : JSON.stringify(body),
        body === undefined ? {} : { 'content-type': 'application/json' },
      ),
  };
}

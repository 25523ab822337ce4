import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The built CLI, as a user runs it (`npx tsc -b tsconfig.build.json` first; `npm test` does). */
export const CLI_MAIN = join(
  resolve(__dirname, '..', '..', '..', '..'),
  'dist/apps/cli/src/main.js',
);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/apps/cli/src/main.js …args` to its end. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, DATA_DIR: '', DATABASE_URL: '', EVENTSTORE_URL: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`chat ${args.join(' ')} did not finish\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The NDJSON lines of an export. */
export const ndjson = <T = Record<string, unknown>>(text: string): T[] =>
  text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);

import { ConfigError } from './production-settings';
import { EngineUnreachableError } from './engine-unreachable.error';

/**
 * Runs an app's start-up; a setting that is missing, malformed or names an engine that does
 * not answer ends the process with ONE line naming it (and exit code 78, EX_CONFIG, or 69,
 * EX_UNAVAILABLE), before anything listens. Anything else is a bug: its stack, exit code 1.
 */
export function startOrExit(app: string, start: () => Promise<void>): void {
  start().catch((err: unknown) => {
    if (err instanceof ConfigError) return exit(78, `${app}: cannot start: ${err.message}`);
    if (err instanceof EngineUnreachableError)
      return exit(69, `${app}: cannot start: ${err.message}`);
    exit(1, `${app} failed to start: ${(err as Error)?.stack ?? String(err)}`);
  });
}

function exit(code: number, line: string): void {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

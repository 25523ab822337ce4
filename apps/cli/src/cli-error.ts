/**
 * Exit codes of `chat` (docs/cli.md): 0 success; 1 an error (the store cannot be opened, a
 * file is missing, an event is not found…); 2 a usage error (unknown command or option, bad
 * value); 3 a verification that ran and failed (audit verify, audit verify-proof).
 */
export const EXIT = { ok: 0, error: 1, usage: 2, verificationFailed: 3 } as const;

/** An error the CLI reports as one line, `chat: <message>`, and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A bad option value or combination: one line and exit code 2, as commander's own errors. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** A check that ran and failed: the check is named, exit code 3. */
export class VerificationFailed extends CliError {
  constructor(
    readonly check: string,
    reason: string,
  ) {
    super(`verification failed: ${check}: ${reason}`, EXIT.verificationFailed);
    this.name = 'VerificationFailed';
  }
}

/** The message of anything thrown, on one line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}

/**
 * An error meant for the client: a stable machine code, a human message and the HTTP status
 * it maps to. Anything else that escapes is an internal error (500, details only in logs).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

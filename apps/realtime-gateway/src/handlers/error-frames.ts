import { AppError } from '../../../../libs/platform/src/app-error';
import { ErrorCode } from '../protocol/frames';

/** A refusal becomes {code, message}; anything unexpected is `internal` (details only in logs). */
export function toErrorBody(err: unknown): { code: string; message: string; expected: boolean } {
  if (err instanceof AppError) return { code: err.code, message: err.message, expected: true };
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  if (e && e.name === 'AppError' && typeof e.code === 'string') {
    return { code: e.code, message: String(e.message), expected: true };
  }
  return { code: ErrorCode.internal, message: 'internal error', expected: false };
}

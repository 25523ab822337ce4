import { DomainError, DomainErrorCode } from '../../domain/src';

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

/** HTTP status of each domain refusal (part of the public contract, see docs/openapi.yaml). */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, number> = {
  conversation_not_found: 404,
  not_a_member: 403,
  conversation_exists: 409,
  not_allowed: 403,
  invalid_members: 422,
  group_too_large: 422,
  invalid_body: 422,
  seq_out_of_range: 422,
};

export const fromDomainError = (error: DomainError): AppError =>
  new AppError(error.code, error.message, DOMAIN_ERROR_STATUS[error.code] ?? 422);

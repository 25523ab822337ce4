/** Every way a command can be refused. Codes are part of the public API (HTTP and WebSocket). */
export type DomainErrorCode =
  | 'conversation_not_found'
  | 'conversation_exists'
  | 'not_a_member'
  | 'invalid_members'
  | 'group_too_large'
  | 'invalid_body'
  | 'seq_out_of_range'
  | 'not_allowed';

/** A refusal returned (not thrown) by `decide`: expected outcomes are values. */
export class DomainError {
  constructor(
    readonly code: DomainErrorCode,
    readonly message: string,
  ) {}
}

export const isDomainError = (value: unknown): value is DomainError => value instanceof DomainError;

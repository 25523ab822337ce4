export type {
  ClientFrame,
  ClientFrameType,
  ServerFrame,
} from '../../../../libs/protocol/src/frames';

/** Error codes of the `error` frame (besides the domain codes, e.g. not_a_member, invalid_body). */
export const ErrorCode = {
  invalidJson: 'invalid_json',
  invalidFrame: 'invalid_frame',
  unknownType: 'unknown_type',
  rateLimited: 'rate_limited',
  notAMember: 'not_a_member',
  syncInProgress: 'sync_in_progress',
  internal: 'internal',
} as const;

/**
 * Close codes the server uses. 1009 is sent by `ws` itself when a frame exceeds maxPayload.
 * A heartbeat expiry terminates the TCP connection without a close frame (client sees 1006).
 */
export const CloseCode = {
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  tryAgainLater: 1013,
} as const;

/** Gateway limits. Defaults suit production; env overrides exist for tests and tuning. */
export interface GatewayOptions {
  /** Largest accepted frame; a bigger one closes the socket with 1009. Room for a 100,000-char body in UTF-8. */
  maxPayloadBytes: number;
  /** Outbound bytes queued for one socket before it counts as a slow consumer (close 1013). */
  maxBufferedBytes: number;
  /** Frames per second per connection and per user (all their connections together). */
  connectionFramesPerSecond: number;
  userFramesPerSecond: number;
  /** Consecutive rate-limited frames before the socket is closed with 1008. */
  rateLimitStrikes: number;
  /** One typing signal per user per conversation per this interval; extra ones are dropped. */
  typingIntervalMs: number;
  /** How long a conversation's member list is trusted for typing checks. */
  memberCacheMs: number;
  syncPageSize: number;
  /** Live messages held back per conversation while it replays; beyond it the client is too slow (1013). */
  maxSyncBuffer: number;
}

const num = (value: string | undefined, fallback: number): number => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n > 0 ? n : fallback;
};

export function loadGatewayOptions(env: NodeJS.ProcessEnv = process.env): GatewayOptions {
  return {
    maxPayloadBytes: num(env.WS_MAX_PAYLOAD_BYTES, 512 * 1024),
    maxBufferedBytes: num(env.WS_MAX_BUFFERED_BYTES, 4 * 1024 * 1024),
    connectionFramesPerSecond: num(env.WS_FRAMES_PER_SECOND, 50),
    userFramesPerSecond: num(env.WS_USER_FRAMES_PER_SECOND, 100),
    rateLimitStrikes: num(env.WS_RATE_LIMIT_STRIKES, 3),
    typingIntervalMs: 2000,
    memberCacheMs: 5000,
    syncPageSize: 200,
    maxSyncBuffer: 10_000,
  };
}

export const GATEWAY_OPTIONS = Symbol('GatewayOptions');

/** Gateway limits. Defaults suit production; env overrides exist for tests and tuning. */
export interface GatewayOptions {
  /** Largest accepted frame; a bigger one closes the socket with 1009. Room for a 100,000-char body in UTF-8. */
  maxPayloadBytes: number;
  /** Outbound bytes queued for one socket before it counts as a slow consumer (close 1013). */
  maxBufferedBytes: number;
  /**
   * Inbound frame budget per connection: a token bucket refilled at `connectionFramesPerSecond`
   * holding up to `connectionBurst` frames (an offline outbox of a few hundred messages goes
   * out at once). Announced to the client in the `welcome` frame.
   */
  connectionFramesPerSecond: number;
  connectionBurst: number;
  /** The same for all of a user's connections together (a user cannot multiply the budget by opening sockets). */
  userFramesPerSecond: number;
  userBurst: number;
  /**
   * The close rule (see FrameRouter): frames that arrive during a wait the client was told
   * about (`rate_limited` with `retryAfterMs`) after it answered the ping that followed that
   * answer are counted; more than this many within one wait close the socket with 1008.
   */
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

/**
 * Defaults: 50 frames/s sustained is far above what a person produces (typing is relayed once
 * per 2 s, receipts are batched) and a burst of 300 lets an offline outbox of a few hundred
 * messages leave at once; a bigger flush is paced by the client at 50/s (1,000 messages in
 * about 14 s). The per-user budget is twice that, so two busy devices rarely collide.
 */
export function loadGatewayOptions(env: NodeJS.ProcessEnv = process.env): GatewayOptions {
  return {
    maxPayloadBytes: num(env.WS_MAX_PAYLOAD_BYTES, 512 * 1024),
    maxBufferedBytes: num(env.WS_MAX_BUFFERED_BYTES, 4 * 1024 * 1024),
    connectionFramesPerSecond: num(env.WS_FRAMES_PER_SECOND, 50),
    connectionBurst: num(env.WS_FRAMES_BURST, 300),
    userFramesPerSecond: num(env.WS_USER_FRAMES_PER_SECOND, 100),
    userBurst: num(env.WS_USER_FRAMES_BURST, 600),
    rateLimitStrikes: num(env.WS_RATE_LIMIT_STRIKES, 20),
    typingIntervalMs: 2000,
    memberCacheMs: 5000,
    syncPageSize: 200,
    maxSyncBuffer: 10_000,
  };
}

export const GATEWAY_OPTIONS = Symbol('GatewayOptions');

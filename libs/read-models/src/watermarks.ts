/** A user's receipt watermarks in one conversation. */
export interface Watermarks {
  deliveredSeq: number;
  readSeq: number;
}

export const NO_WATERMARKS: Watermarks = Object.freeze({ deliveredSeq: 0, readSeq: 0 });

/**
 * Raises (never lowers) watermarks. Max-style, so applying the same raise twice or out of
 * order gives the same result; delivered is lifted to read because read implies delivered.
 * Every adapter and the projector's recipient bookkeeping use this one rule.
 */
export function raiseWatermarks(current: Watermarks, raise: Watermarks): Watermarks {
  const readSeq = Math.max(current.readSeq, raise.readSeq);
  const deliveredSeq = Math.max(current.deliveredSeq, raise.deliveredSeq, readSeq);
  return { deliveredSeq, readSeq };
}

/** unread = lastSeq − readSeq: derived at query time, so redelivery cannot skew it. */
export const unreadCount = (lastSeq: number, readSeq: number): number =>
  Math.max(0, lastSeq - readSeq);

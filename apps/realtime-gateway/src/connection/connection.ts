import type { WebSocket } from 'ws';
import { TimelineMessage } from '../../../../libs/domain/src';

/**
 * Per-socket state, kept small on purpose (an idle socket costs its ws object plus these
 * few fields): no timers, no closures. Sync buffers exist only while a sync runs.
 */
export class Connection {
  /**
   * Last sign of life: any inbound frame, a pong to the server's WebSocket ping, a ping (or the
   * connect time). The heartbeat sweeper pings quiet sockets and terminates stale ones.
   */
  lastSeenAt: number;
  /** End of the wait the client was last told about (`rate_limited` + retryAfterMs); 0: none. */
  waitUntil = 0;
  /**
   * Frames that ignored the current wait, counted from the client's pong to the ping that
   * followed the wait's first answer; -1 until that pong (see FrameRouter).
   */
  strikes = 0;
  /**
   * Per synced conversation: while it replays, the live messages held back (array); after
   * the replay, the last replayed seq (number): live messages at or below it were already
   * replayed (the bus can deliver an update after the replay read it) and are dropped until
   * the first newer one arrives and the entry goes away.
   */
  syncing?: Map<string, TimelineMessage[] | number>;
  /** `?awaitSync=1` sockets: live messages held until the first sync frame arrives. */
  pending?: TimelineMessage[];

  constructor(
    readonly id: number,
    readonly userId: string,
    readonly ws: WebSocket,
    now: number,
  ) {
    this.lastSeenAt = now;
  }
}

import type { WebSocket } from 'ws';
import { TimelineMessage } from '../../../../libs/domain/src';

/**
 * Per-socket state, kept small on purpose (an idle socket costs its ws object plus these
 * few fields): no timers, no closures. Sync buffers exist only while a sync runs.
 */
export class Connection {
  /** Last ping (or the connect time): the heartbeat sweeper terminates stale sockets. */
  lastSeenAt: number;
  /** Consecutive rate-limited frames; reset by an accepted frame. */
  strikes = 0;
  /** conversationId → live messages held back while that conversation replays. */
  syncing?: Map<string, TimelineMessage[]>;
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

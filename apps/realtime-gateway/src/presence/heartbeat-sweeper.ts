import { Connection } from '../connection/connection';
import { ConnectionRegistry } from '../connection/connection-registry';

export interface HeartbeatTiming {
  /** A socket with no sign of life for longer than this is expired. */
  timeoutMs: number;
  /** A socket quiet for at least this long is pinged (WebSocket ping) on every tick. */
  pingAfterMs: number;
}

export interface HeartbeatActions {
  expired(conn: Connection): void;
  /** Quiet: ask for a sign of life (a WebSocket ping; clients answer with a pong by themselves). */
  quiet(conn: Connection): void;
  /** Seen since the previous tick (presence is told once per tick, not once per frame). */
  seen(conn: Connection): void;
}

/**
 * One interval for all sockets (no timer per socket). Each tick, per socket, by its last sign
 * of life (any frame, pong or ping; see Connection.lastSeenAt): older than the timeout →
 * expired; quiet for pingAfterMs or more → pinged; newer than the previous tick → seen. With
 * tick ≤ timeout/4 and pingAfterMs ≤ timeout/2, a live client that only receives is pinged at
 * least once, a quarter of the timeout before it would expire, and its automatic pong keeps
 * it. A dead one lives at most timeout + tick after its last sign of life. Terminating fires
 * its 'close', which does the cleanup.
 */
export class HeartbeatSweeper {
  private timer?: NodeJS.Timeout;
  private lastTick = 0;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly timing: HeartbeatTiming,
    private readonly actions: HeartbeatActions,
  ) {}

  start(tickMs: number): void {
    this.lastTick = Date.now();
    this.timer = setInterval(() => this.sweep(Date.now()), Math.max(100, tickMs));
    this.timer.unref();
  }

  sweep(now: number): void {
    const expired: Connection[] = [];
    const previous = this.lastTick;
    this.lastTick = now;
    for (const conn of this.registry.all()) {
      const quietFor = now - conn.lastSeenAt;
      if (quietFor > this.timing.timeoutMs) expired.push(conn);
      else if (quietFor >= this.timing.pingAfterMs) this.actions.quiet(conn);
      else if (conn.lastSeenAt > previous) this.actions.seen(conn);
    }
    for (const conn of expired) this.actions.expired(conn);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * From HEARTBEAT_INTERVAL_MS and PRESENCE_TIMEOUT_MS: ping after the interval (at most half
 * the timeout), tick every interval (at most a quarter of the timeout).
 */
export function heartbeatTiming(
  intervalMs: number,
  timeoutMs: number,
): HeartbeatTiming & { tickMs: number } {
  return {
    timeoutMs,
    pingAfterMs: Math.min(intervalMs, timeoutMs / 2),
    tickMs: Math.min(intervalMs, timeoutMs / 4),
  };
}

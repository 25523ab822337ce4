import { Connection } from '../connection/connection';
import { ConnectionRegistry } from '../connection/connection-registry';

/**
 * One interval for all sockets (no timer per socket): every tick terminates the sockets
 * whose last ping is older than the presence timeout. A socket therefore lives at most
 * timeout + tick after its last ping. Terminating fires its 'close', which does the cleanup.
 */
export class HeartbeatSweeper {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly timeoutMs: number,
    private readonly onExpired: (conn: Connection) => void,
  ) {}

  start(tickMs: number): void {
    this.timer = setInterval(() => this.sweep(Date.now()), Math.max(100, tickMs));
    this.timer.unref();
  }

  sweep(now: number): void {
    const expired: Connection[] = [];
    for (const conn of this.registry.all())
      if (now - conn.lastSeenAt > this.timeoutMs) expired.push(conn);
    for (const conn of expired) this.onExpired(conn);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

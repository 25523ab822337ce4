import { PresenceStore, PresenceView } from './presence-store.port';

interface Entry {
  /** Live connections: id → expiry time (ms). */
  connections: Map<string, number>;
  lastSeenAt: number;
  /** The last reported state (reports alternate). */
  reportedOnline: boolean;
}

/**
 * Single-process presence in a Map. Connections expire after `connectionTtlMs` without a
 * touch (default: never, since in one process the gateway closes every socket it loses).
 */
export class InMemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Entry>();
  private readonly ttlMs: number;

  constructor(options: { connectionTtlMs?: number } = {}) {
    this.ttlMs = options.connectionTtlMs ?? Infinity;
  }

  async connectionOpened(userId: string, connectionId: string, at: number): Promise<boolean> {
    return this.renew(userId, connectionId, at);
  }

  async touch(userId: string, connectionId: string, at: number): Promise<boolean> {
    return this.renew(userId, connectionId, at);
  }

  async connectionClosed(
    userId: string,
    connectionId: string,
    lastSeenAt: number,
  ): Promise<boolean> {
    const entry = this.users.get(userId);
    if (!entry) return false;
    entry.connections.delete(connectionId);
    entry.lastSeenAt = Math.max(entry.lastSeenAt, lastSeenAt);
    if (!entry.reportedOnline || this.live(entry)) return false;
    entry.reportedOnline = false;
    return true;
  }

  async get(userIds: string[]): Promise<PresenceView[]> {
    const views: PresenceView[] = [];
    for (const userId of userIds) {
      const entry = this.users.get(userId);
      if (!entry) continue;
      const online = this.live(entry);
      views.push({
        userId,
        online,
        lastSeenAt: new Date(online ? Date.now() : entry.lastSeenAt).toISOString(),
      });
    }
    return views;
  }

  private renew(userId: string, connectionId: string, at: number): boolean {
    let entry = this.users.get(userId);
    if (!entry) {
      entry = { connections: new Map(), lastSeenAt: at, reportedOnline: false };
      this.users.set(userId, entry);
    }
    entry.connections.set(connectionId, Date.now() + this.ttlMs);
    entry.lastSeenAt = Math.max(entry.lastSeenAt, at);
    if (entry.reportedOnline) return false;
    entry.reportedOnline = true;
    return true;
  }

  /** True while a connection is live; drops the expired ones. */
  private live(entry: Entry): boolean {
    const now = Date.now();
    for (const [id, expiresAt] of entry.connections)
      if (expiresAt <= now) entry.connections.delete(id);
    return entry.connections.size > 0;
  }
}

import { PresenceStore, PresenceView } from './presence-store.port';

interface Entry {
  connections: number;
  lastSeenAt: number;
}

/** Single-process presence: connection counts and last-seen times in a Map. */
export class InMemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Entry>();

  async connectionOpened(userId: string, at: number): Promise<boolean> {
    const entry = this.users.get(userId);
    if (!entry) return (this.users.set(userId, { connections: 1, lastSeenAt: at }), true);
    entry.connections++;
    entry.lastSeenAt = Math.max(entry.lastSeenAt, at);
    return entry.connections === 1;
  }

  async connectionClosed(userId: string, lastSeenAt: number): Promise<boolean> {
    const entry = this.users.get(userId);
    if (!entry || entry.connections === 0) return false;
    entry.connections--;
    entry.lastSeenAt = Math.max(entry.lastSeenAt, lastSeenAt);
    return entry.connections === 0;
  }

  async touch(userId: string, at: number): Promise<void> {
    const entry = this.users.get(userId);
    if (entry) entry.lastSeenAt = Math.max(entry.lastSeenAt, at);
  }

  async get(userIds: string[]): Promise<PresenceView[]> {
    const views: PresenceView[] = [];
    for (const userId of userIds) {
      const entry = this.users.get(userId);
      if (!entry) continue;
      const online = entry.connections > 0;
      views.push({
        userId,
        online,
        lastSeenAt: new Date(online ? Date.now() : entry.lastSeenAt).toISOString(),
      });
    }
    return views;
  }
}

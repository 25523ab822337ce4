import { Injectable } from '@nestjs/common';
import { Connection } from './connection';

/** Open connections of this gateway, by user. */
@Injectable()
export class ConnectionRegistry {
  private readonly byUser = new Map<string, Set<Connection>>();
  private count = 0;

  /** Returns true when this is the user's first open connection here. */
  add(conn: Connection): boolean {
    const set = this.byUser.get(conn.userId);
    this.count++;
    if (set) return (set.add(conn), false);
    this.byUser.set(conn.userId, new Set([conn]));
    return true;
  }

  /** Returns true when that was the user's last open connection here. Idempotent. */
  remove(conn: Connection): boolean {
    const set = this.byUser.get(conn.userId);
    if (!set || !set.delete(conn)) return false;
    this.count--;
    if (set.size > 0) return false;
    this.byUser.delete(conn.userId);
    return true;
  }

  forUser(userId: string): Iterable<Connection> {
    return this.byUser.get(userId) ?? [];
  }

  isConnected(userId: string): boolean {
    return this.byUser.has(userId);
  }

  *all(): IterableIterator<Connection> {
    for (const set of this.byUser.values()) yield* set;
  }

  get size(): number {
    return this.count;
  }
}

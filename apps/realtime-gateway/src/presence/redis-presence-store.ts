import Redis from 'ioredis';
import type { Logger } from 'pino';
import { PresenceStore, PresenceView } from './presence-store.port';
import { CLOSE, RENEW, STATE } from './redis-presence-scripts';

export interface RedisPresenceStoreOptions {
  url: string;
  logger: Logger;
  /**
   * A connection with no heartbeat for this long expires (its gateway crashed or lost it).
   * Use the presence timeout: the gateway renews a live socket's presence at least once per
   * sweep tick, well within it. Default 60 s.
   */
  connectionTtlMs?: number;
  /** Prefix of every key (tests: one per run). Default ''. */
  keyPrefix?: string;
}

type Commands = {
  presenceRenew(k1: string, k2: string, k3: string, ...argv: (string | number)[]): Promise<number>;
  presenceClose(k1: string, k2: string, k3: string, ...argv: (string | number)[]): Promise<number>;
};

/**
 * PresenceStore on Redis, shared by every gateway (guarantees: presence-store.port.ts):
 * - `presence:{user}:{connection}` per connection, with a TTL each heartbeat renews: a user is
 *   online while any such key exists, so the users of a crashed gateway go offline when its
 *   keys expire, within the TTL;
 * - `presence:{user}` the set of the user's connection ids (to find those keys without KEYS);
 * - `presence-state:{user}` a hash {at: lastSeenAt, on: last reported state}; lastSeenAt only
 *   rises, and the reported state changes only inside the Lua scripts, which count the live
 *   connection keys atomically: each online/offline change is reported exactly once.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly ttlMs: number;
  private readonly prefix: string;

  private constructor(
    private readonly redis: Redis & Commands,
    options: RedisPresenceStoreOptions,
  ) {
    this.ttlMs = options.connectionTtlMs ?? 60_000;
    this.prefix = options.keyPrefix ?? '';
  }

  static async connect(options: RedisPresenceStoreOptions): Promise<RedisPresenceStore> {
    const redis = new Redis(options.url, { lazyConnect: true });
    redis.on('error', (err) => options.logger.warn({ err }, 'redis presence error'));
    redis.defineCommand('presenceRenew', { numberOfKeys: 3, lua: RENEW });
    redis.defineCommand('presenceClose', { numberOfKeys: 3, lua: CLOSE });
    redis.defineCommand('presenceState', { numberOfKeys: 2, lua: STATE });
    await redis.connect().catch((err) => {
      redis.disconnect(); // stop ioredis's reconnect attempts
      throw err;
    });
    return new RedisPresenceStore(redis as Redis & Commands, options);
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
    const [conn, set, state] = this.keys(userId, connectionId);
    const reported = await this.redis.presenceClose(
      conn,
      set,
      state,
      connectionId,
      lastSeenAt,
      `${set}:`,
    );
    return reported === 1;
  }

  async get(userIds: string[]): Promise<PresenceView[]> {
    if (userIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) {
      const [, set, state] = this.keys(userId, '');
      (pipeline as unknown as { presenceState(...args: string[]): void }).presenceState(
        set,
        state,
        `${set}:`,
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    const now = Date.now();
    const views: PresenceView[] = [];
    replies.forEach(([err, reply], i) => {
      if (err) throw err;
      if (!reply) return; // never seen
      const [live, at] = reply as [number, string];
      const online = live === 1;
      views.push({
        userId: userIds[i],
        online,
        lastSeenAt: new Date(online ? now : Number(at)).toISOString(),
      });
    });
    return views;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async renew(userId: string, connectionId: string, at: number): Promise<boolean> {
    const [conn, set, state] = this.keys(userId, connectionId);
    return (await this.redis.presenceRenew(conn, set, state, connectionId, this.ttlMs, at)) === 1;
  }

  /** [connection key, connection set, state hash]: one hash tag, so one cluster slot. */
  private keys(userId: string, connectionId: string): [string, string, string] {
    const set = `${this.prefix}presence:{${userId}}`;
    return [`${set}:${connectionId}`, set, `${this.prefix}presence-state:{${userId}}`];
  }
}

export interface PresenceView {
  userId: string;
  online: boolean;
  /** ISO time of the user's last heartbeat or disconnect (now, while online). */
  lastSeenAt: string;
}

/**
 * Who is online, across every gateway (in memory for one process; Redis for many). Guarantees
 * (checked by testing/presence-store.contract.ts):
 * - a connection (`connectionId`: unique across gateways) is live from `connectionOpened`
 *   until `connectionClosed`, or until it goes a connection TTL without `touch` (so the users
 *   of a crashed gateway go offline within the TTL); a user is online while any connection is;
 * - each change of a user's state is reported exactly once, whatever the number of gateways
 *   and the races among them: reports alternate online, offline, online… `connectionOpened`
 *   and `touch` resolve true when they report the user online, `connectionClosed` when it
 *   reports the user offline (no live connection left). An expiry is not reported by itself
 *   (its gateway is gone): the next close of one of the user's connections reports it, and
 *   `get` shows it at once;
 * - lastSeenAt only rises.
 */
export interface PresenceStore {
  /** A connection opened. True when this reports the user online. */
  connectionOpened(userId: string, connectionId: string, at: number): Promise<boolean>;
  /** A connection closed or expired (lastSeenAt: its last sign of life). True when this reports the user offline. */
  connectionClosed(userId: string, connectionId: string, lastSeenAt: number): Promise<boolean>;
  /**
   * Heartbeat of a live connection: renews its TTL (re-creating it if it had expired). True
   * when this reports the user online again (only after an expiry was reported offline).
   */
  touch(userId: string, connectionId: string, at: number): Promise<boolean>;
  /** Presence of the given users that were ever seen (unknown users are left out). */
  get(userIds: string[]): Promise<PresenceView[]>;
}

export const PRESENCE_STORE = Symbol('PresenceStore');

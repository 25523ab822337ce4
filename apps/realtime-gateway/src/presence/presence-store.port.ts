export interface PresenceView {
  userId: string;
  online: boolean;
  /** ISO time of the user's last heartbeat or disconnect (now, while online). */
  lastSeenAt: string;
}

/**
 * Who is online, across every gateway (in memory for one process; Redis with TTLs later).
 * Guarantees: a user is online while at least one connection is open; `connectionOpened`
 * reports true exactly once per offline→online change and `connectionClosed` true exactly
 * once per online→offline change, so each change is published once; lastSeenAt only rises.
 */
export interface PresenceStore {
  /** Resolves true when the user went from offline to online. */
  connectionOpened(userId: string, at: number): Promise<boolean>;
  /** A connection closed or expired (lastSeenAt: its last sign of life). True when the user is now offline. */
  connectionClosed(userId: string, lastSeenAt: number): Promise<boolean>;
  /** Heartbeat of an online user. */
  touch(userId: string, at: number): Promise<void>;
  /** Presence of the given users that were ever seen (unknown users are left out). */
  get(userIds: string[]): Promise<PresenceView[]>;
}

export const PRESENCE_STORE = Symbol('PresenceStore');

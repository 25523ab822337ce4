import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SignalBus } from '../../../../libs/bus/src/update-bus.port';
import { ReadModelStore } from '../../../../libs/read-models/src/read-model-store.port';
import { LOGGER, READ_MODELS, SIGNAL_BUS } from '../../../../libs/platform/src/tokens';
import { Connection } from '../connection/connection';
import { ConnectionRegistry } from '../connection/connection-registry';
import { Outbound } from '../connection/outbound';
import { PRESENCE_STORE, PresenceStore } from './presence-store.port';

/**
 * Online/offline changes: published on the signal bus to everyone who shares a conversation
 * with the user; a new socket is told the current presence of its contacts.
 */
@Injectable()
export class PresenceService {
  private readonly chains = new Map<string, Promise<void>>();
  /** Connection ids are per process: prefixed with this one's, they are unique across gateways. */
  private readonly instance = randomUUID();

  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(SIGNAL_BUS) private readonly signals: SignalBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly outbound: Outbound,
    private readonly registry: ConnectionRegistry,
  ) {}

  connected(conn: Connection): Promise<void> {
    return this.serial(conn.userId, async () => {
      const contacts = await this.contactsOf(conn.userId);
      if (await this.store.connectionOpened(conn.userId, this.connectionId(conn), conn.lastSeenAt))
        this.publish(conn.userId, true, conn.lastSeenAt, contacts);
      for (const view of await this.store.get(contacts))
        this.outbound.send(conn, { type: 'presence', ...view });
    });
  }

  disconnected(conn: Connection, lastSeenAt: number): Promise<void> {
    return this.serial(conn.userId, async () => {
      if (!(await this.store.connectionClosed(conn.userId, this.connectionId(conn), lastSeenAt)))
        return;
      this.publish(conn.userId, false, lastSeenAt, await this.contactsOf(conn.userId));
    });
  }

  /**
   * Runs one user's presence changes one after another, so their signals go out in the order
   * the connections opened and closed (a quick reconnect never ends as "offline").
   */
  private serial(userId: string, task: () => Promise<void>): Promise<void> {
    const run = (this.chains.get(userId) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    this.chains.set(userId, tail);
    void tail.then(() => this.chains.get(userId) === tail && this.chains.delete(userId));
    return run;
  }

  /**
   * Members who just started sharing a conversation learn each other's presence at once,
   * not only at their next connect: added members hear about everyone, the others about
   * the added ones (local sockets only; every gateway sees the same membership update).
   */
  async introduce(members: string[], added: string[]): Promise<void> {
    if (added.length === 0) return;
    const views = new Map((await this.store.get(members)).map((v) => [v.userId, v]));
    const isAdded = new Set(added);
    for (const userId of members) {
      const conns = [...this.registry.forUser(userId)];
      if (conns.length === 0) continue;
      const others = (isAdded.has(userId) ? members : added).filter((o) => o !== userId);
      for (const other of others) {
        const view = views.get(other);
        if (view) for (const conn of conns) this.outbound.send(conn, { type: 'presence', ...view });
      }
    }
  }

  /** Renews the connection's presence; reports the user online if it had expired offline. */
  heartbeat(conn: Connection): void {
    this.serial(conn.userId, async () => {
      if (await this.store.touch(conn.userId, this.connectionId(conn), conn.lastSeenAt))
        this.publish(conn.userId, true, conn.lastSeenAt, await this.contactsOf(conn.userId));
    }).catch((err) => this.logger.warn({ err }, 'presence touch failed'));
  }

  private connectionId(conn: Connection): string {
    return `${this.instance}:${conn.id}`;
  }

  private publish(userId: string, online: boolean, at: number, recipients: string[]): void {
    if (recipients.length === 0) return;
    this.signals.publish({
      type: 'presence',
      userId,
      online,
      lastSeenAt: new Date(at).toISOString(),
      recipients,
    });
  }

  /** Everyone sharing at least one conversation with the user (not the user). */
  private async contactsOf(userId: string): Promise<string[]> {
    const contacts = new Set<string>();
    for (const entry of await this.readModels.getInbox(userId))
      for (const m of entry.members) contacts.add(m);
    contacts.delete(userId);
    return [...contacts];
  }
}

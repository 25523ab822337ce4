import { Inject, Injectable } from '@nestjs/common';
import { WebSocket } from 'ws';
import { ProjectionUpdate, TimelineMessage } from '../../../../libs/domain/src';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway-options';
import { Connection } from '../connection/connection';
import { ConnectionRegistry } from '../connection/connection-registry';
import { Outbound } from '../connection/outbound';
import { GatewayMembershipCache } from '../handlers/gateway-membership-cache';
import { CloseCode, ServerFrame } from '../protocol/frames';
import { PresenceService } from '../presence/presence.service';
import { messageFrame } from './message-frame';

/**
 * Projection updates → frames for the local sockets of their recipients. The only source of
 * live pushes: what a client sees live was applied to the read models first, so a later
 * sync can never contradict it. Each frame is serialized once per update.
 */
@Injectable()
export class UpdateFanout {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly outbound: Outbound,
    private readonly members: GatewayMembershipCache,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly presence: PresenceService,
  ) {}

  handle(update: ProjectionUpdate): void {
    switch (update.type) {
      case 'message':
        return this.message(update.recipients, update.message);
      case 'receipt': {
        const { conversationId, userId, deliveredSeq, readSeq } = update;
        const others = update.recipients.filter((r) => r !== userId);
        return this.broadcast(others, {
          type: 'receipt',
          conversationId,
          userId,
          deliveredSeq,
          readSeq,
        });
      }
      case 'membership': {
        const { conversationId, members, added, removed } = update;
        this.members.invalidate(conversationId);
        void this.presence.introduce(members, added).catch(() => undefined);
        return this.broadcast(update.recipients, {
          type: 'conversation',
          conversationId,
          members,
          added,
          removed,
        });
      }
    }
  }

  broadcast(recipients: string[], frame: ServerFrame): void {
    let data: string | undefined;
    for (const userId of recipients) {
      for (const conn of this.registry.forUser(userId))
        this.outbound.sendRaw(conn, (data ??= JSON.stringify(frame)));
    }
  }

  private message(recipients: string[], m: TimelineMessage): void {
    let data: string | undefined;
    for (const userId of recipients) {
      for (const conn of this.registry.forUser(userId)) {
        if (this.holdBack(conn, m)) continue;
        this.outbound.sendRaw(conn, (data ??= JSON.stringify(messageFrame(m))));
      }
    }
  }

  /**
   * Sockets waiting for their first sync, or replaying this conversation, buffer instead;
   * right after a replay, messages it already sent are dropped.
   */
  private holdBack(conn: Connection, m: TimelineMessage): boolean {
    const state = conn.pending ?? conn.syncing?.get(m.conversationId);
    if (state === undefined) return false;
    if (typeof state === 'number') return this.belowFloor(conn, m, state);
    const buffer = state;
    if (buffer.length >= this.options.maxSyncBuffer && conn.ws.readyState === WebSocket.OPEN) {
      conn.ws.close(CloseCode.tryAgainLater, 'sync buffer overflow');
    }
    buffer.push(m);
    return true;
  }

  private belowFloor(conn: Connection, m: TimelineMessage, lastReplayed: number): boolean {
    if (m.seq <= lastReplayed) return true;
    conn.syncing!.delete(m.conversationId);
    if (conn.syncing!.size === 0) conn.syncing = undefined;
    return false;
  }
}

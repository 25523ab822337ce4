import { Inject, Injectable } from '@nestjs/common';
import { SignalBus } from '../../../../libs/bus/src/update-bus.port';
import { SIGNAL_BUS } from '../../../../libs/platform/src/tokens';
import { Connection } from '../connection/connection';
import { Outbound } from '../connection/outbound';
import { FrameRateLimiter } from '../protection/frame-rate-limiter';
import { ErrorCode } from '../protocol/frames';
import { GatewayMembershipCache } from './gateway-membership-cache';

/**
 * typing → a signal to the other members. Non-members get an error frame; typing beyond
 * one per interval per conversation is dropped silently (it carries no information).
 */
@Injectable()
export class TypingHandler {
  constructor(
    @Inject(SIGNAL_BUS) private readonly signals: SignalBus,
    private readonly members: GatewayMembershipCache,
    private readonly limiter: FrameRateLimiter,
    private readonly outbound: Outbound,
  ) {}

  async typing(conn: Connection, conversationId: string): Promise<void> {
    const members = await this.members.members(conversationId);
    if (!members || !members.includes(conn.userId)) {
      this.outbound.error(
        conn,
        ErrorCode.notAMember,
        'not a member of this conversation',
        conversationId,
      );
      return;
    }
    if (!(await this.limiter.allowTyping(conn.userId, conversationId))) return;
    const recipients = members.filter((m) => m !== conn.userId);
    if (recipients.length > 0)
      this.signals.publish({ type: 'typing', conversationId, userId: conn.userId, recipients });
  }
}

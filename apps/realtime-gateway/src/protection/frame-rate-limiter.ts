import { Inject, Injectable } from '@nestjs/common';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { burstLimiter, consumeOrWait } from '../../../../libs/platform/src/http/rate-limit';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway-options';

/**
 * Inbound frame budgets: one bucket keyed by connection id and one keyed by user id (a user
 * cannot multiply the budget by opening sockets), each `framesPerSecond` sustained with
 * bursts of `burst` (see burstLimiter), plus the typing limiter. One limiter instance each for
 * all sockets; entries expire with their window, so an idle socket has none.
 */
@Injectable()
export class FrameRateLimiter {
  private readonly perConnection: BurstyRateLimiter;
  private readonly perUser: BurstyRateLimiter;
  private readonly typing: RateLimiterMemory;

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    this.perConnection = burstLimiter(
      'ws-conn',
      options.connectionFramesPerSecond,
      options.connectionBurst,
    );
    this.perUser = burstLimiter('ws-user', options.userFramesPerSecond, options.userBurst);
    this.typing = new RateLimiterMemory({
      keyPrefix: 'typing',
      points: 1,
      duration: Math.max(1, Math.round(options.typingIntervalMs / 1000)),
    });
  }

  /**
   * 0 when the frame is within both budgets; else how long (ms) until the budget that refused
   * it has room again: the `retryAfterMs` the client is told.
   */
  async check(conn: { id: number; userId: string }): Promise<number> {
    return (
      (await consumeOrWait(this.perConnection, conn.id)) || consumeOrWait(this.perUser, conn.userId)
    );
  }

  /** True for the first typing signal of this user in this conversation per interval. */
  async allowTyping(userId: string, conversationId: string): Promise<boolean> {
    try {
      await this.typing.consume(`${userId}\u0000${conversationId}`);
      return true;
    } catch (err) {
      if (err instanceof RateLimiterRes) return false;
      throw err;
    }
  }
}

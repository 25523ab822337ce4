import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway-options';
import { Connection } from '../connection/connection';

/**
 * Inbound frame budgets: one limiter keyed by connection id and one keyed by user id (a user
 * cannot multiply the budget by opening sockets), plus the typing limiter. One limiter
 * instance each for all sockets; entries expire with their window.
 */
@Injectable()
export class FrameRateLimiter {
  private readonly perConnection: RateLimiterMemory;
  private readonly perUser: RateLimiterMemory;
  private readonly typing: RateLimiterMemory;

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    this.perConnection = new RateLimiterMemory({
      points: options.connectionFramesPerSecond,
      duration: 1,
    });
    this.perUser = new RateLimiterMemory({ points: options.userFramesPerSecond, duration: 1 });
    this.typing = new RateLimiterMemory({
      points: 1,
      duration: Math.max(1, Math.round(options.typingIntervalMs / 1000)),
    });
  }

  /** True when the frame is within both budgets. */
  async allowFrame(conn: Connection): Promise<boolean> {
    return (
      (await consumed(this.perConnection, conn.id)) && (await consumed(this.perUser, conn.userId))
    );
  }

  /** True for the first typing signal of this user in this conversation per interval. */
  allowTyping(userId: string, conversationId: string): Promise<boolean> {
    return consumed(this.typing, `${userId}\u0000${conversationId}`);
  }
}

async function consumed(limiter: RateLimiterMemory, key: string | number): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}

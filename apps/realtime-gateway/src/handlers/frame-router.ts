import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import { LOGGER } from '../../../../libs/platform/src/tokens';
import { Connection } from '../connection/connection';
import { Outbound } from '../connection/outbound';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway-options';
import { PresenceService } from '../presence/presence.service';
import { FrameRateLimiter } from '../protection/frame-rate-limiter';
import { ClientFrame, CloseCode, ErrorCode } from '../protocol/frames';
import { parseFrame } from '../protocol/frame-validator';
import { CommandHandler } from './command.handler';
import { SyncHandler } from './sync.handler';
import { TypingHandler } from './typing.handler';

/**
 * Every inbound frame: rate limit → parse/validate → handler. Never throws and never
 * rejects: whatever a frame contains, the process and the socket survive it (except the
 * documented closes: repeated rate limiting → 1008).
 */
@Injectable()
export class FrameRouter {
  constructor(
    private readonly limiter: FrameRateLimiter,
    private readonly outbound: Outbound,
    private readonly commands: CommandHandler,
    private readonly syncs: SyncHandler,
    private readonly typing: TypingHandler,
    private readonly presence: PresenceService,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  handle(conn: Connection, data: RawData, isBinary: boolean): void {
    this.process(conn, data, isBinary).catch((err) => {
      this.logger.error({ err, userId: conn.userId }, 'ws frame handling failed');
      this.outbound.error(conn, ErrorCode.internal, 'internal error');
    });
  }

  private async process(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    if (!(await this.limiter.allowFrame(conn))) return this.rateLimited(conn);
    conn.strikes = 0;
    if (isBinary)
      return this.outbound.error(conn, ErrorCode.invalidFrame, 'frames must be JSON text');
    const parsed = parseFrame(text(data));
    if (!parsed.ok) return this.outbound.error(conn, parsed.code, parsed.message, parsed.ref);
    return this.dispatch(conn, parsed.frame);
  }

  private dispatch(conn: Connection, frame: ClientFrame): Promise<void> | void {
    switch (frame.type) {
      case 'send':
        return this.commands.send(conn, frame);
      case 'delivered':
      case 'read':
        return this.commands.watermark(conn, frame);
      case 'typing':
        return this.typing.typing(conn, frame.conversationId);
      case 'sync':
        return this.syncs.sync(conn, frame.cursors);
      case 'ping':
        conn.lastSeenAt = Date.now();
        this.presence.heartbeat(conn);
        this.outbound.send(conn, { type: 'pong' });
        return;
      default: {
        const never: never = frame;
        return never;
      }
    }
  }

  private rateLimited(conn: Connection): void {
    conn.strikes++;
    if (conn.strikes >= this.options.rateLimitStrikes) {
      conn.ws.close(CloseCode.policyViolation, 'rate limit exceeded');
      return;
    }
    this.outbound.error(conn, ErrorCode.rateLimited, 'too many frames, slow down');
  }
}

const text = (data: RawData): string => {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data).toString('utf8');
};

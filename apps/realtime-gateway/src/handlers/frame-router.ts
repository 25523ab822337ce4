import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { RawData, WebSocket } from 'ws';
import { LOGGER } from '../../../../libs/platform/src/tokens';
import { Connection } from '../connection/connection';
import { Outbound } from '../connection/outbound';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway-options';
import { FrameRateLimiter } from '../protection/frame-rate-limiter';
import { ClientFrame, CloseCode, ErrorCode } from '../protocol/frames';
import { identifyFrame, parseFrame } from '../protocol/frame-validator';
import { ClientCommandForwarder } from './client-command-forwarder';
import { SyncHandler } from './sync.handler';
import { TypingHandler } from './typing.handler';

/**
 * Every inbound frame: liveness → rate limit → parse/validate → handler. Never throws and
 * never rejects: whatever a frame contains, the process and the socket survive it (except the
 * documented close: a client that keeps sending through a wait it was told about → 1008).
 *
 * Flow control. A frame over the budget (FrameRateLimiter) is refused unprocessed with
 * `error rate_limited {retryAfterMs, ref, frameType}` and starts a wait of retryAfterMs for
 * the connection; right after that answer the server sends a WebSocket ping. Frames arriving
 * during the wait are refused the same way (with the time still to wait) without touching the
 * budget. The close rule: frames that arrive during a wait after the client's pong to that
 * ping (it has read the answer: TCP and WebSocket keep the order) are counted, and the
 * (rateLimitStrikes + 1)-th of them within one wait closes the socket with 1008. Frames that
 * were already on their way are refused but not counted. A client that sends nothing between
 * reading a rate_limited answer and the end of its retryAfterMs is therefore never closed,
 * however many frames it had in flight and however slow the network or the server.
 */
@Injectable()
export class FrameRouter {
  constructor(
    private readonly limiter: FrameRateLimiter,
    private readonly outbound: Outbound,
    private readonly commands: ClientCommandForwarder,
    private readonly syncs: SyncHandler,
    private readonly typing: TypingHandler,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  handle(conn: Connection, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    conn.lastSeenAt = now; // any frame proves the client is alive, not only `ping`
    if (now < conn.waitUntil) return this.refuse(conn, now, 0, data, isBinary);
    this.process(conn, data, isBinary).catch((err) => {
      this.logger.error({ err, userId: conn.userId }, 'ws frame handling failed');
      this.outbound.error(conn, ErrorCode.internal, 'internal error');
    });
  }

  private async process(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    const waitMs = await this.limiter.check(conn);
    if (waitMs > 0) return this.refuse(conn, Date.now(), waitMs, data, isBinary);
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
        this.outbound.send(conn, { type: 'pong' });
        return;
      default: {
        const never: never = frame;
        return never;
      }
    }
  }

  /**
   * Refuses a frame unprocessed. Outside a wait (`waitMs` from the limiter) it starts one and
   * asks for the pong that proves the client read it; inside a wait it applies the close rule
   * (see the class comment).
   */
  private refuse(
    conn: Connection,
    now: number,
    waitMs: number,
    data: RawData,
    isBinary: boolean,
  ): void {
    const starts = now >= conn.waitUntil;
    if (starts) {
      conn.waitUntil = now + waitMs;
      conn.strikes = -1; // not counting until the pong
    } else if (conn.strikes >= 0 && ++conn.strikes > this.options.rateLimitStrikes) {
      conn.ws.close(CloseCode.policyViolation, 'kept sending while told to wait');
      return;
    }
    const retryAfterMs = conn.waitUntil - now;
    this.outbound.send(conn, {
      type: 'error',
      code: ErrorCode.rateLimited,
      message: `too many frames: send nothing for ${retryAfterMs} ms, then send this frame again`,
      retryAfterMs,
      ...(isBinary ? {} : identifyFrame(text(data))),
    });
    if (starts && conn.ws.readyState === WebSocket.OPEN) conn.ws.ping(waitToken(conn.waitUntil));
  }

  /** A pong: the answer to the ping that followed a wait's first rate_limited starts the count. */
  pong(conn: Connection, data: Buffer): void {
    if (conn.strikes < 0 && Date.now() < conn.waitUntil && data.equals(waitToken(conn.waitUntil)))
      conn.strikes = 0;
  }
}

/** The ping payload that names a wait (its end time). */
const waitToken = (waitUntil: number): Buffer => Buffer.from(waitUntil.toString(36));

const text = (data: RawData): string => {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data).toString('utf8');
};

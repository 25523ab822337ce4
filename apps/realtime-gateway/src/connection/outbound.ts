import { Inject, Injectable } from '@nestjs/common';
import { WebSocket } from 'ws';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway-options';
import { CloseCode, ServerFrame } from '../protocol/frames';
import { Connection } from './connection';

/**
 * The only way frames leave the gateway. Checks the socket's queued bytes first: a client
 * that does not read gets closed with 1013 instead of growing the server's memory.
 */
@Injectable()
export class Outbound {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  send(conn: Connection, frame: ServerFrame): boolean {
    return this.sendRaw(conn, JSON.stringify(frame));
  }

  /** For fan-out: serialize once, send the same string to every socket. */
  sendRaw(conn: Connection, data: string): boolean {
    const ws = conn.ws;
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.options.maxBufferedBytes) {
      ws.close(CloseCode.tryAgainLater, 'slow consumer');
      return false;
    }
    ws.send(data);
    return true;
  }

  error(conn: Connection, code: string, message: string, ref?: string): void {
    this.send(
      conn,
      ref === undefined ? { type: 'error', code, message } : { type: 'error', code, message, ref },
    );
  }
}

import WebSocket from 'ws';
import { WebSocketCtor, WebSocketLike } from '../connection';
import { ClientFrame, ServerFrame, parseServerFrame } from '../protocol';

/**
 * Fault injection around the real `ws` client for e2e tests: records every frame the SDK
 * sends, can drop chosen incoming frames (a lost push or ack), and can cut live sockets.
 * The server on the other end is the real one.
 */
export class WireTap {
  readonly sent: ClientFrame[] = [];
  readonly received: ServerFrame[] = [];
  drop: (frame: ServerFrame) => boolean = () => false;
  private readonly sockets = new Set<WebSocket>();

  /** Closes every open socket abruptly (no close handshake), like a network cut. */
  cut(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  get WebSocket(): WebSocketCtor {
    return tappedWebSocket(this);
  }

  /** @internal */
  track(ws: WebSocket, open: boolean): void {
    if (open) this.sockets.add(ws);
    else this.sockets.delete(ws);
  }
}

function tappedWebSocket(tap: WireTap): WebSocketCtor {
  return class TappedWebSocket implements WebSocketLike {
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    private readonly ws: WebSocket;

    constructor(url: string) {
      this.ws = new WebSocket(url);
      tap.track(this.ws, true);
      this.ws.on('open', () => this.onopen?.({}));
      this.ws.on('error', (err) => this.onerror?.(err));
      this.ws.on('close', (code, reason) => {
        tap.track(this.ws, false);
        this.onclose?.({ code, reason: reason.toString() });
      });
      this.ws.on('message', (data) => {
        const frame = parseServerFrame(data.toString());
        if (frame && tap.drop(frame)) return;
        if (frame) tap.received.push(frame);
        this.onmessage?.({ data: data.toString() });
      });
    }

    get readyState(): number {
      return this.ws.readyState;
    }

    send(data: string): void {
      tap.sent.push(JSON.parse(data));
      this.ws.send(data);
    }

    close(code?: number, reason?: string): void {
      if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
      else this.ws.close(code, reason);
    }
  };
}

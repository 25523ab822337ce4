import { BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from './backoff';
import { Emitter } from './emitter';
import { Pacer } from './pacer';
import { ClientFrame, ServerFrame, parseServerFrame } from './protocol';

/** The subset of the WHATWG WebSocket that both browsers and the `ws` package provide. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketCtor = new (url: string) => WebSocketLike;

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionOptions {
  /** Full URL of /v1/ws, without the token. */
  wsUrl: string;
  /** Called before every (re)connect, so a refreshed token is picked up. */
  token: () => string | Promise<string>;
  WebSocket: WebSocketCtor;
  backoff?: BackoffOptions;
  /** Interval between application-level pings. */
  heartbeatMs?: number;
  /** A socket that receives nothing for this long after a ping is declared dead. */
  pongTimeoutMs?: number;
}

type ConnectionEvents = {
  open: void;
  frame: ServerFrame;
  close: { code?: number; reason?: string };
  state: ConnectionState;
  error: unknown;
};

const OPEN = 1;

/**
 * One logical connection that survives socket losses: reconnects with capped exponential
 * backoff and full jitter, pings every `heartbeatMs` and drops a socket that stays silent
 * for `pongTimeoutMs` after a ping (half-open TCP is otherwise invisible to the client).
 * Frames leave through a Pacer: at the pace the server announced in its `welcome` frame, and
 * nothing at all during a wait a `rate_limited` answer asked for (see pacer.ts).
 */
export class Connection extends Emitter<ConnectionEvents> {
  private socket?: WebSocketLike;
  private readonly pacer = new Pacer((frame) => this.write(frame));
  private attempt = 0;
  private currentState: ConnectionState = 'idle';
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private heartbeatTimer?: ReturnType<typeof setInterval>;
  private deadTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly options: ConnectionOptions) {
    super();
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get isOpen(): boolean {
    return this.currentState === 'open' && this.socket?.readyState === OPEN;
  }

  start(): void {
    if (this.currentState !== 'idle' && this.currentState !== 'closed') return;
    this.setState('connecting');
    void this.open();
  }

  /**
   * Queues a frame for the open socket (it leaves at once if the budget allows, else when it
   * does); returns false when no socket is open (callers keep their own queues and hand their
   * frames again after the next open; frames still queued when a socket closes are dropped).
   */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    this.pacer.send(frame);
    return true;
  }

  /** A send the server refused as rate limited: goes out again after the wait it asked for. */
  retry(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    this.pacer.retry(frame);
    return true;
  }

  /** Frames waiting for the budget (or for a wait to end) on the current socket. */
  get queued(): number {
    return this.pacer.queued;
  }

  /** Closes for good: no reconnect after this. */
  stop(): void {
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    this.dropSocket(1000, 'client closed');
  }

  /** Drops the current socket and reconnects (used when the socket is judged dead). */
  reconnectNow(): void {
    if (this.currentState === 'closed') return;
    this.dropSocket(4000, 'dead connection');
    this.scheduleReconnect();
  }

  private async open(): Promise<void> {
    let token: string;
    try {
      token = await this.options.token();
    } catch (err) {
      this.emit('error', err);
      return this.scheduleReconnect();
    }
    if (this.currentState === 'closed') return;
    const sep = this.options.wsUrl.includes('?') ? '&' : '?';
    const socket = new this.options.WebSocket(
      `${this.options.wsUrl}${sep}token=${encodeURIComponent(token)}`,
    );
    this.socket = socket;
    socket.onopen = () => this.onOpen(socket);
    socket.onmessage = (ev) => this.onMessage(socket, ev.data);
    socket.onerror = (ev) => this.emit('error', ev);
    socket.onclose = (ev) => this.onClose(socket, ev);
  }

  private onOpen(socket: WebSocketLike): void {
    if (socket !== this.socket) return;
    this.attempt = 0;
    this.pacer.open();
    this.setState('open');
    this.startHeartbeat();
    this.emit('open', undefined);
  }

  private onMessage(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    clearTimeout(this.deadTimer); // any frame proves the socket is alive
    this.deadTimer = undefined;
    const frame = parseServerFrame(data);
    if (!frame) return;
    if (frame.type === 'welcome') this.pacer.limits(frame.limits);
    else if (frame.type === 'error' && frame.code === 'rate_limited') this.pacer.rateLimited(frame);
    this.emit('frame', frame);
  }

  private write(frame: ClientFrame): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(frame));
  }

  private onClose(socket: WebSocketLike, ev: { code?: number; reason?: string }): void {
    if (socket !== this.socket) return;
    this.stopHeartbeat();
    this.pacer.clear();
    this.socket = undefined;
    this.emit('close', { code: ev?.code, reason: ev?.reason });
    if (this.currentState !== 'closed') this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.currentState === 'closed') return;
    this.setState('reconnecting');
    clearTimeout(this.reconnectTimer);
    const delay = backoffDelay(this.attempt++, this.options.backoff ?? DEFAULT_BACKOFF);
    this.reconnectTimer = setTimeout(() => void this.open(), delay);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const every = this.options.heartbeatMs ?? 30_000;
    this.heartbeatTimer = setInterval(() => this.ping(), every);
  }

  private ping(): void {
    if (!this.send({ type: 'ping' }) || this.deadTimer) return;
    const timeout = this.options.pongTimeoutMs ?? 10_000;
    this.deadTimer = setTimeout(() => this.reconnectNow(), timeout);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.deadTimer);
    this.heartbeatTimer = this.deadTimer = undefined;
  }

  private dropSocket(code: number, reason: string): void {
    this.stopHeartbeat();
    this.pacer.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    // No-op handlers rather than null: `ws` throws on an 'error' event nobody listens to.
    const ignore = () => undefined;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = ignore;
    try {
      socket.close(code, reason);
    } catch {
      /* already closing */
    }
    this.emit('close', { code, reason });
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }
}

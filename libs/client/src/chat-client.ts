import { BackoffOptions } from './backoff';
import { Connection, ConnectionState, WebSocketCtor } from './connection';
import { CursorStorage, MemoryCursorStorage } from './cursors';
import { Emitter } from './emitter';
import { FetchLike, HistoryQuery, HttpApi } from './http';
import { Outbox, newClientMessageId } from './outbox';
import {
  Ack,
  Attachment,
  ChatMessage,
  ConversationKind,
  InboxEntry,
  MembershipChange,
  Presence,
  Receipt,
  ServerError,
  ServerFrame,
  Synced,
  Typing,
  Welcome,
} from './protocol';
import { Sequencer } from './sequencer';
import { SyncCoordinator } from './sync';
import { userIdFromToken } from './token';
import { WatermarkBatcher } from './watermarks';

export interface ChatClientOptions {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  /** Defaults to baseUrl with ws(s):// and /v1/ws. */
  wsUrl?: string;
  /** A JWT, or a function returning a fresh one (called before each connect and request). */
  token: string | (() => string | Promise<string>);
  /** Own user id; read from the token's `sub` when omitted. */
  userId?: string;
  /** Defaults to globalThis.WebSocket; pass `require('ws')` in Node < 22. */
  WebSocket?: WebSocketCtor;
  fetch?: FetchLike;
  cursors?: CursorStorage;
  /**
   * Where a conversation the client has no cursor for starts: 'beginning' replays it all
   * over the socket; 'latest' starts at the inbox's lastSeq (the app pages history over HTTP).
   */
  startAt?: 'beginning' | 'latest';
  backoff?: BackoffOptions;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  /** Delivered receipts are batched per conversation over this window. */
  deliveredDelayMs?: number;
  typingThrottleMs?: number;
}

export type ChatClientEvents = {
  message: ChatMessage;
  ack: Ack;
  receipt: Receipt;
  presence: Presence;
  typing: Typing;
  synced: Synced;
  conversation: MembershipChange;
  inbox: InboxEntry[];
  error: ServerError | Error;
  state: ConnectionState;
  /** The server's limits and heartbeat timing, at every connect (the client paces itself to them). */
  welcome: Welcome;
  /**
   * The server asked for a pause (`rate_limited`): nothing is sent for retryAfterMs, then the
   * refused frame goes out again (a send keeps its clientMessageId and stays pending). Flow
   * control, not a failure: no `error` event, no rejected send.
   */
  rateLimited: { retryAfterMs: number; ref?: string };
};

export type SendResult = Promise<Ack> & { clientMessageId: string };

/**
 * Real-time chat client for Node and browsers. Delivers each conversation's messages in
 * seq order, exactly once, without gaps, across reconnects; sends queued while offline
 * go out on reconnect and are applied once (idempotent clientMessageId).
 */
export class ChatClient extends Emitter<ChatClientEvents> {
  readonly http: HttpApi;
  readonly userId: string;
  private readonly connection: Connection;
  private readonly sequencer: Sequencer;
  private readonly cursorStore: CursorStorage;
  private readonly sync: SyncCoordinator;
  private readonly outbox = new Outbox();
  private readonly delivered: WatermarkBatcher;
  private readonly read: WatermarkBatcher;
  private readonly known = new Set<string>();
  private readonly lastTyping = new Map<string, number>();
  /** Live messages held while the post-connect inbox fetch runs. */
  private handshakeBuffer: ChatMessage[] | undefined;
  private readyWaiters: Array<() => void> = [];
  /** Counts socket opens, so a slow handshake of a dead socket does not finish on a new one. */
  private generation = 0;

  constructor(private readonly options: ChatClientOptions) {
    super();
    const token =
      typeof options.token === 'function' ? options.token : () => options.token as string;
    this.userId =
      options.userId ?? userIdFromToken(typeof options.token === 'string' ? options.token : '');
    this.http = new HttpApi(options.baseUrl, token, options.fetch);
    this.cursorStore = options.cursors ?? new MemoryCursorStorage();
    this.sequencer = new Sequencer(this.cursorStore);
    this.sync = new SyncCoordinator(
      this.sequencer,
      (f) => this.connection.send(f),
      (ms) => this.deliver(ms),
      (id) => this.emit('error', new Error(`conversation ${id}: sync did not close a gap`)),
    );
    this.connection = new Connection({
      wsUrl: options.wsUrl ?? toWsUrl(options.baseUrl),
      token,
      WebSocket: options.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket!,
      backoff: options.backoff,
      heartbeatMs: options.heartbeatMs,
      pongTimeoutMs: options.pongTimeoutMs,
    });
    const watermark = (type: 'delivered' | 'read') => (conversationId: string, upToSeq: number) =>
      this.connection.send({ type, conversationId, upToSeq });
    this.delivered = new WatermarkBatcher(watermark('delivered'), options.deliveredDelayMs ?? 50);
    this.read = new WatermarkBatcher(watermark('read'), 0);
    this.wire();
  }

  static devToken(baseUrl: string, userId: string, fetchImpl?: FetchLike): Promise<string> {
    return HttpApi.devToken(baseUrl, userId, fetchImpl);
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** Starts connecting; resolves once connected and the catch-up `sync` has been sent. */
  connect(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    this.connection.start();
    return ready;
  }

  close(): void {
    this.delivered.dispose();
    this.read.dispose();
    this.connection.stop();
  }

  /** Queues a message (sent now if online, else on reconnect); resolves with the ack. */
  send(
    conversationId: string,
    body: string,
    extra: { clientMessageId?: string; attachments?: Attachment[] } = {},
  ): SendResult {
    const clientMessageId = extra.clientMessageId ?? newClientMessageId();
    const message = {
      conversationId,
      clientMessageId,
      body,
      ...(extra.attachments ? { attachments: extra.attachments } : {}),
    };
    const ack = this.outbox.add(message);
    this.connection.send(this.outbox.frame(message));
    return Object.assign(ack, { clientMessageId });
  }

  /** Messages written but not acknowledged yet, oldest first (queued, paced or in flight). */
  pendingSends() {
    return this.outbox.pending();
  }

  /** Frames waiting on this socket for the server's budget (0 when offline: the outbox keeps the sends). */
  get queuedFrames(): number {
    return this.connection.queued;
  }

  markRead(conversationId: string, upToSeq: number): void {
    this.delivered.raise(conversationId, upToSeq); // read implies delivered; keeps both in step locally
    this.read.raise(conversationId, upToSeq);
  }

  /** Tells the others "typing…", at most once per throttle window per conversation. */
  typing(conversationId: string): void {
    const now = Date.now();
    if (now - (this.lastTyping.get(conversationId) ?? 0) < (this.options.typingThrottleMs ?? 2000))
      return;
    if (this.connection.send({ type: 'typing', conversationId }))
      this.lastTyping.set(conversationId, now);
  }

  /** Last seq delivered to the application for this conversation (0 if none). */
  cursor(conversationId: string): number {
    return this.sequencer.cursor(conversationId);
  }

  async createConversation(input: { kind: ConversationKind; members: string[]; title?: string }) {
    const res = await this.http.createConversation(input);
    this.known.add(res.conversationId);
    return res;
  }

  inbox(): Promise<InboxEntry[]> {
    return this.http.inbox();
  }

  history(conversationId: string, query?: HistoryQuery): Promise<ChatMessage[]> {
    return this.http.history(conversationId, query);
  }

  receipts(conversationId: string): Promise<Receipt[]> {
    return this.http.receipts(conversationId);
  }

  private wire(): void {
    this.connection.on('state', (s) => this.emit('state', s));
    this.connection.on('open', () => void this.onOpen());
    this.connection.on('close', () => this.sync.reset());
    this.connection.on('frame', (f) => this.onFrame(f));
  }

  private async onOpen(): Promise<void> {
    const generation = ++this.generation;
    this.handshakeBuffer = [];
    this.outbox.flush((f) => this.connection.send(f));
    try {
      const entries = await this.http.inbox();
      if (generation !== this.generation) return; // that socket is gone; a newer open took over
      const startAtLatest = this.options.startAt === 'latest';
      for (const e of entries) {
        this.known.add(e.conversationId);
        this.sequencer.initialize(e.conversationId, startAtLatest ? e.lastSeq : 0);
      }
      this.emit('inbox', entries);
    } catch (err) {
      this.emit('error', err as Error); // still catch up with the cursors we have
    }
    if (generation === this.generation) this.finishHandshake();
  }

  private finishHandshake(): void {
    const buffered = this.handshakeBuffer ?? [];
    this.handshakeBuffer = undefined;
    this.sync.syncAll(new Set([...this.known, ...Object.keys(this.cursorStore.entries())]));
    for (const m of buffered) this.sync.onMessage(m);
    this.delivered.flush();
    this.read.flush();
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'message': {
        const { type: _t, ...message } = frame;
        this.known.add(message.conversationId);
        if (this.handshakeBuffer) this.handshakeBuffer.push(message);
        else this.sync.onMessage(message);
        return;
      }
      case 'ack': {
        const { type: _t, ...ack } = frame;
        if (this.outbox.ack(ack)) this.emit('ack', ack);
        return;
      }
      case 'synced':
        this.sync.onSynced(frame);
        return this.emit('synced', strip(frame));
      case 'error':
        if (frame.code === 'rate_limited') return this.onRateLimited(frame);
        if (!this.outbox.fail(frame) && frame.ref) this.sync.onSyncError(frame.ref);
        return this.emit('error', strip(frame));
      case 'welcome':
        return this.emit('welcome', strip(frame));
      case 'receipt':
        return this.emit('receipt', strip(frame));
      case 'presence':
        return this.emit('presence', strip(frame));
      case 'typing':
        return this.emit('typing', strip(frame));
      case 'conversation':
        if (frame.removed.includes(this.userId)) this.known.delete(frame.conversationId);
        else this.known.add(frame.conversationId);
        return this.emit('conversation', strip(frame));
    }
  }

  /**
   * The connection already paused (and resends a refused control frame); a refused send goes
   * out again with the same clientMessageId once the wait is over.
   */
  private onRateLimited(error: ServerError): void {
    const message =
      error.frameType === 'send' && error.ref ? this.outbox.get(error.ref) : undefined;
    if (message) this.connection.retry(this.outbox.frame(message));
    this.emit('rateLimited', {
      retryAfterMs: error.retryAfterMs ?? 0,
      ...(error.ref ? { ref: error.ref } : {}),
    });
  }

  private deliver(messages: ChatMessage[]): void {
    for (const m of messages) {
      if (m.senderId !== this.userId) this.delivered.raise(m.conversationId, m.seq);
      this.emit('message', m);
    }
  }
}

function strip<T extends { type: string }>(frame: T): Omit<T, 'type'> {
  const { type: _t, ...rest } = frame;
  return rest;
}

function toWsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/v1/ws`;
}

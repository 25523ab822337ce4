import WebSocket from 'ws';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Frame = { type: string; [key: string]: any };

/**
 * A real `ws` client for the e2e specs: records every frame, lets a test wait for a frame
 * matching a predicate (already received or still to come), and exposes how it closed.
 */
export class WsTestClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { pred: (f: Frame) => boolean; done: (f: Frame) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.receive(JSON.parse(String(data)) as Frame));
    this.closed = new Promise((done) =>
      ws.on('close', (code, reason) => done({ code, reason: String(reason) })),
    );
  }

  static open(
    url: string,
    token?: string,
    query = '',
    headers: Record<string, string> = {},
  ): Promise<WsTestClient> {
    const q = [token ? `token=${encodeURIComponent(token)}` : '', query].filter(Boolean).join('&');
    const ws = new WebSocket(q ? `${url}?${q}` : url, { headers });
    const client = new WsTestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Resolves the HTTP status the server answered an upgrade with (when it refused it). */
  static refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
    const ws = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('upgrade was accepted')));
      ws.once('error', () => undefined);
    });
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The first frame (received so far or later) matching pred. */
  waitFor(pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.done !== done);
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      const done = (f: Frame) => (clearTimeout(timer), resolve(f));
      this.waiters.push({ pred, done });
    });
  }

  /** Sends a message and resolves to its `ack` or `error` frame (matched by clientMessageId). */
  sendMessage(conversationId: string, clientMessageId: string, timeoutMs = 20_000): Promise<Frame> {
    this.send({ type: 'send', conversationId, clientMessageId, body: clientMessageId });
    return this.waitFor(
      (f) =>
        (f.type === 'ack' || f.type === 'error') &&
        (f.clientMessageId === clientMessageId || f.ref === clientMessageId),
      timeoutMs,
    );
  }

  /** Waits until `count` frames match pred; returns them. */
  async waitForCount(
    pred: (f: Frame) => boolean,
    count: number,
    timeoutMs = 10_000,
  ): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.filter(pred).length < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.frames.filter(pred).length}/${count} matching frames`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.frames.filter(pred);
  }

  of(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }

  private receive(frame: Frame): void {
    this.frames.push(frame);
    for (const w of this.waiters.filter((x) => x.pred(frame))) {
      this.waiters = this.waiters.filter((x) => x !== w);
      w.done(frame);
    }
  }
}

export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

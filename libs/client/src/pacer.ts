import { ClientFrame, ServerError } from './protocol';

/** The part of the server's announced limits the client paces itself to (see `welcome`). */
export interface PaceLimits {
  framesPerSecond: number;
  burst: number;
}

/**
 * What the client assumes until the server's `welcome` frame says otherwise (it is the first
 * frame on every socket, so only a few frames ever go out under these): well below any
 * sensible server budget.
 */
export const DEFAULT_PACE: PaceLimits = { framesPerSecond: 5, burst: 10 };

/**
 * A token bucket: `burst` tokens at most, refilled continuously at `framesPerSecond`. The
 * client's mirror of the server's per-connection budget: frames taken from it never exceed
 * what the server promised to accept. Pure (time is passed in).
 */
export class TokenBucket {
  private tokens: number;

  constructor(
    private limits: PaceLimits,
    private at: number,
  ) {
    this.tokens = limits.burst;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Ms until a token is available (0: now). */
  wait(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.limits.framesPerSecond);
  }

  /**
   * New limits for a bucket that has already spent `spent` tokens of the server's (full at
   * connect): the server's bucket holds at least burst − spent now.
   */
  reset(limits: PaceLimits, now: number, spent: number): void {
    this.limits = limits;
    this.at = now;
    this.tokens = Math.max(0, limits.burst - spent);
  }

  /** The server said "wait": its bucket is empty, so is ours. */
  empty(now: number): void {
    this.refill(now);
    this.tokens = 0;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at);
    this.tokens = Math.min(
      this.limits.burst,
      this.tokens + (elapsed * this.limits.framesPerSecond) / 1000,
    );
    this.at = now;
  }
}

export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: PacerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Control frames written recently, kept to resend the one a `rate_limited` answer names. */
const RECENT_CONTROL = 64;

/**
 * Flow control for one socket: frames leave at the pace the server announced, never faster,
 * in order within their class: control frames (sync, receipts, typing, ping) first, then
 * sends the server refused and that are due again, then other sends. A `rate_limited` answer
 * stops everything for its `retryAfterMs` (the server counts frames sent during a wait it
 * announced, and closes a socket that keeps sending through it) and the refused frame goes
 * out again afterwards: a send by the caller (`retry`, same clientMessageId), a control frame
 * from here (`typing` and `ping` are dropped: stale by then).
 */
export class Pacer {
  private readonly bucket: TokenBucket;
  private control: ClientFrame[] = [];
  private retries: ClientFrame[] = [];
  private sends: ClientFrame[] = [];
  private recent: ClientFrame[] = [];
  private pausedUntil = 0;
  private timer: unknown;
  /** Frames written since the socket opened, until the server's limits arrive. */
  private spentBeforeLimits: number | undefined = 0;

  constructor(
    private readonly write: (frame: ClientFrame) => void,
    private readonly clock: PacerClock = realClock,
  ) {
    this.bucket = new TokenBucket(DEFAULT_PACE, clock.now());
  }

  /** Frames waiting for their turn. */
  get queued(): number {
    return this.control.length + this.retries.length + this.sends.length;
  }

  /** A new socket: the server's bucket for it is full; its limits are not known yet. */
  open(): void {
    this.clear();
    this.bucket.reset(DEFAULT_PACE, this.clock.now(), 0);
    this.spentBeforeLimits = 0;
  }

  /** The socket is gone: queued frames are dropped (their owners resend on the next socket). */
  clear(): void {
    this.control = [];
    this.retries = [];
    this.sends = [];
    this.recent = [];
    this.pausedUntil = 0;
    this.stopTimer();
  }

  /** The server's limits for this socket (from `welcome`). */
  limits(limits: PaceLimits): void {
    if (!(limits.framesPerSecond > 0 && limits.burst >= 1)) return;
    this.bucket.reset(limits, this.clock.now(), this.spentBeforeLimits ?? 0);
    this.spentBeforeLimits = undefined;
    this.stopTimer(); // it waited for the defaults' pace
    this.pump();
  }

  /**
   * Queues a frame, or writes it at once when nothing waits and the budget allows. A receipt
   * replaces a queued one of the same kind for the same conversation (watermarks only rise),
   * so a paced client does not fall behind with stale receipts.
   */
  send(frame: ClientFrame): void {
    if (frame.type === 'send') this.sends.push(frame);
    else if (!this.coalesce(frame)) this.control.push(frame);
    this.pump();
  }

  private coalesce(frame: ClientFrame): boolean {
    if (frame.type !== 'delivered' && frame.type !== 'read') return false;
    const i = this.control.findIndex(
      (f) => f.type === frame.type && f.conversationId === frame.conversationId,
    );
    if (i < 0) return false;
    const queued = this.control[i] as typeof frame;
    if (frame.upToSeq > queued.upToSeq) this.control[i] = frame;
    return true;
  }

  /** A refused send, due again after the wait (ahead of sends not tried yet). */
  retry(frame: ClientFrame): void {
    this.retries.push(frame);
    this.pump();
  }

  /** A `rate_limited` answer: wait as told, then resend the refused control frame. */
  rateLimited(error: ServerError): void {
    const now = this.clock.now();
    const waitMs = error.retryAfterMs ?? 1000;
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    this.bucket.empty(now);
    if (error.frameType && error.frameType !== 'send') {
      const refused = this.takeRecent(error.frameType, error.ref);
      if (refused && refused.type !== 'typing' && refused.type !== 'ping')
        this.control.unshift(refused);
    }
    this.stopTimer();
    this.pump();
  }

  private takeRecent(type: string, ref: string | undefined): ClientFrame | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const f = this.recent[i];
      if (f.type === type && refOf(f) === ref) return this.recent.splice(i, 1)[0];
    }
    return undefined;
  }

  private pump(): void {
    if (this.timer !== undefined) return; // a pump is already scheduled
    for (;;) {
      const queue = this.next();
      if (!queue) return;
      const now = this.clock.now();
      const wait = Math.max(this.pausedUntil - now, this.bucket.wait(now));
      if (wait > 0) {
        this.timer = this.clock.setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.bucket.take(now);
      const frame = queue.shift()!;
      if (this.spentBeforeLimits !== undefined) this.spentBeforeLimits++;
      if (frame.type !== 'send') {
        this.recent.push(frame);
        if (this.recent.length > RECENT_CONTROL) this.recent.shift();
      }
      this.write(frame);
    }
  }

  private next(): ClientFrame[] | undefined {
    if (this.control.length > 0) return this.control;
    if (this.retries.length > 0) return this.retries;
    return this.sends.length > 0 ? this.sends : undefined;
  }

  private stopTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The `ref` the server puts on an error about this frame (see the gateway's refOf). */
function refOf(frame: ClientFrame): string | undefined {
  if (frame.type === 'send') return frame.clientMessageId;
  return 'conversationId' in frame ? frame.conversationId : undefined;
}

/**
 * Batches `delivered`/`read` watermarks per conversation: many messages arriving together
 * become one frame carrying the highest seq. Only raises (a watermark never goes down),
 * and keeps what could not be sent so it goes out after the next reconnect.
 */
export class WatermarkBatcher {
  private readonly pending = new Map<string, number>();
  private readonly highest = new Map<string, number>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly send: (conversationId: string, upToSeq: number) => boolean,
    private readonly delayMs: number,
  ) {}

  raise(conversationId: string, upToSeq: number): void {
    if (upToSeq <= (this.highest.get(conversationId) ?? 0)) return;
    this.highest.set(conversationId, upToSeq);
    this.pending.set(conversationId, upToSeq);
    if (this.delayMs <= 0) return this.flush();
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Sends everything pending; entries the connection could not take stay for later. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [conversationId, upToSeq] of this.pending) {
      if (this.send(conversationId, upToSeq)) this.pending.delete(conversationId);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Turns a burst of "appends became durable" calls into few wake messages: the first call of
 * an event-loop turn sends at once (no added latency), later calls in that turn send one more
 * wake on the next turn, so a commit announced after the reader already looked is never left
 * to the poll. At most two wakes per turn, however many appends.
 */
export class WakeCoalescer {
  private sentThisTurn = false;
  private pending = false;

  constructor(private readonly send: () => void) {}

  readonly durable = (): void => {
    if (this.sentThisTurn) {
      this.pending = true;
      return;
    }
    this.send();
    this.sentThisTurn = true;
    setImmediate(() => {
      this.sentThisTurn = false;
      if (!this.pending) return;
      this.pending = false;
      this.durable();
    });
  };
}

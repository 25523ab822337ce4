/** How the batches have looked so far (for benchmarks and metrics). */
export interface GroupCommitStats {
  batches: number;
  items: number;
  /** batchSizes[n] = how many batches held n items. */
  batchSizes: number[];
}

export interface GroupCommitOptions {
  /** Most items in one batch. */
  maxItems: number;
  /** Most weight (e.g. events) in one batch; an item heavier than this goes alone. */
  maxWeight: number;
  /** Batches executing at once. */
  maxInFlight: number;
}

/**
 * Group commit: items submitted while a batch is executing (or in the same event-loop turn)
 * are executed together as the next batch, so one transaction and one WAL flush acknowledge
 * them all. The batch size follows the load by itself: one item when idle, as many as arrived
 * during the previous commit when busy. `execute` settles every item of its batch itself and
 * never rejects.
 */
export class GroupCommit<T> {
  private queue: T[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private scheduled = false;
  private readonly counters: GroupCommitStats = { batches: 0, items: 0, batchSizes: [] };

  constructor(
    private readonly execute: (batch: T[]) => Promise<void>,
    private readonly weight: (item: T) => number,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: T): void {
    this.queue.push(item);
    this.schedule();
  }

  /** Resolves once everything submitted so far has been executed (and settled). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0 || this.scheduled) {
      if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  get stats(): GroupCommitStats {
    return { ...this.counters, batchSizes: [...this.counters.batchSizes] };
  }

  /**
   * Flushes on the next turn (setImmediate): everything submitted in this turn of the event
   * loop (e.g. all requests parsed in one poll phase) joins the batch.
   */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    if (this.inFlight.size >= this.options.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.options.maxInFlight) {
      const batch = this.take();
      this.counters.batches++;
      this.counters.items += batch.length;
      this.counters.batchSizes[batch.length] = (this.counters.batchSizes[batch.length] ?? 0) + 1;
      const run: Promise<void> = this.execute(batch)
        .catch(() => undefined)
        .then(() => {
          this.inFlight.delete(run);
          this.schedule();
        });
      this.inFlight.add(run);
    }
  }

  private take(): T[] {
    const { maxItems, maxWeight } = this.options;
    let count = 0;
    let weight = 0;
    while (count < this.queue.length && count < maxItems) {
      const w = this.weight(this.queue[count]);
      if (count > 0 && weight + w > maxWeight) break;
      weight += w;
      count++;
    }
    const batch = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    return batch;
  }
}

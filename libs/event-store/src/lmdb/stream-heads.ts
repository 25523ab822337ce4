import { StreamHead } from './lmdb-layout';

interface Entry extends StreamHead {
  /** Appends reserved on this head that are not durable yet. */
  pending: number;
}

/**
 * In-memory head {revision, hash} per stream, the writer's view including appends that are
 * reserved but not yet durable. Lazily loaded from disk; bounded by evicting the least recently
 * used heads that have no pending append (those equal what is on disk, so reloading is exact).
 */
export class StreamHeads {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly load: (streamId: string) => StreamHead,
    private readonly maxEntries = 100_000,
  ) {}

  get(streamId: string): StreamHead {
    let entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId); // re-insert: Map order doubles as LRU order
    } else {
      entry = { ...this.load(streamId), pending: 0 };
      this.evictIfFull();
    }
    this.entries.set(streamId, entry);
    return { revision: entry.revision, hash: entry.hash };
  }

  /** Moves the head forward for an append that has just been reserved. */
  advance(streamId: string, head: StreamHead): void {
    const entry = this.entries.get(streamId);
    if (!entry) throw new Error(`stream head ${streamId} advanced without being read`);
    entry.revision = head.revision;
    entry.hash = head.hash;
    entry.pending++;
  }

  /** Called once an append reserved with `advance` is durable. */
  settle(streamId: string): void {
    const entry = this.entries.get(streamId);
    if (entry) entry.pending--;
  }

  private evictIfFull(): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [streamId, entry] of this.entries) {
      if (this.entries.size < this.maxEntries * 0.9) return;
      if (entry.pending === 0) this.entries.delete(streamId);
    }
  }
}

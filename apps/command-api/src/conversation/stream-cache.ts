import {
  ConversationEvent,
  ConversationState,
  foldConversation,
} from '../../../../libs/domain/src';
import { EventStore } from '../../../../libs/event-store/src/event-store.port';

/** A conversation's decision state as of its last append CALL (durable or still pending). */
export interface CachedStream {
  state: ConversationState;
  /** Revision the next append must expect. */
  revision: number | 'no_stream';
  /** The latest append on this stream; awaited before acknowledging anything decided on `state`. */
  pendingAppend: Promise<unknown>;
  /** False once dropped: its state may include an append that failed. */
  valid: boolean;
}

/**
 * In-memory LRU of stream states, so a hot conversation is folded once, not per command.
 * Concurrent first loads of a stream share one read. Entries are only ever dropped
 * (never patched) after a failure; the next command reloads from the store.
 */
export class StreamCache {
  private readonly entries = new Map<string, CachedStream>();
  private readonly loading = new Map<string, Promise<CachedStream>>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 10_000,
  ) {}

  get(streamId: string): CachedStream | Promise<CachedStream> {
    const hit = this.entries.get(streamId);
    if (hit) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.entries.delete(streamId);
      this.entries.set(streamId, hit);
      return hit;
    }
    return this.loading.get(streamId) ?? this.load(streamId);
  }

  /** Drops `entry` if it is still the cached one (a newer reload stays). */
  drop(streamId: string, entry: CachedStream): void {
    entry.valid = false;
    if (this.entries.get(streamId) === entry) this.entries.delete(streamId);
  }

  get size(): number {
    return this.entries.size;
  }

  private load(streamId: string): Promise<CachedStream> {
    const loaded = this.store
      .readStream(streamId)
      .then((recorded) => {
        const events = recorded.map((e) => ({ type: e.type, data: e.data }) as ConversationEvent);
        const last = recorded[recorded.length - 1];
        const entry: CachedStream = {
          state: foldConversation(events),
          revision: last ? last.revision : 'no_stream',
          pendingAppend: Promise.resolve(),
          valid: true,
        };
        this.entries.set(streamId, entry);
        this.evict();
        return entry;
      })
      .finally(() => this.loading.delete(streamId));
    this.loading.set(streamId, loaded);
    return loaded;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.capacity) return;
      this.entries.get(key)!.valid = false;
      this.entries.delete(key);
    }
  }
}

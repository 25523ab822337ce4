import {
  CONVERSATION_SNAPSHOT_VERSION,
  ConversationEvent,
  ConversationSnapshot,
  ConversationState,
  evolve,
  fromSnapshot,
  initialState,
} from '../../../../libs/domain/src';
import { EventStore } from '../../../../libs/event-store/src/event-store.port';
import { GENESIS_HASH } from '../../../../libs/event-store/src/hash-chain';
import { streamPages } from '../../../../libs/event-store/src/read-pages';
import {
  SnapshotStore,
  StreamSnapshot,
} from '../../../../libs/event-store/src/snapshot-store.port';

/** A conversation's decision state as of its last append CALL (durable or still pending). */
export interface CachedStream {
  state: ConversationState;
  /** Revision the next append must expect. */
  revision: number | 'no_stream';
  /** metadata.hash of the event at `revision`: the next append's events chain from it. */
  hash: string;
  /** The latest append on this stream; awaited before acknowledging anything decided on `state`. */
  pendingAppend: Promise<unknown>;
  /** `pendingAppend` has not settled yet. */
  appendInFlight: boolean;
  /** Revision of the last snapshot saved (or loaded) for this stream; -1 for none. */
  snapshotRevision: number;
  /** False once dropped: its state may include an append that failed. */
  valid: boolean;
}

const PAGE_SIZE = 1_000;

/**
 * In-memory LRU of stream states, so a hot conversation is folded once, not per command.
 * A load reads the stream's latest snapshot and folds only the events after it, page by page,
 * so its cost does not grow with the conversation's length. Concurrent first loads of a stream
 * share one read. Entries are only ever dropped (never patched) after a failure; the next
 * command reloads from the store.
 */
export class StreamCache {
  private readonly entries = new Map<string, CachedStream>();
  private readonly loading = new Map<string, Promise<CachedStream>>();

  constructor(
    private readonly store: EventStore,
    private readonly snapshots: SnapshotStore,
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
    const loaded = this.fold(streamId)
      .then((entry) => {
        this.entries.set(streamId, entry);
        this.evict();
        return entry;
      })
      .finally(() => this.loading.delete(streamId));
    this.loading.set(streamId, loaded);
    return loaded;
  }

  private async fold(streamId: string): Promise<CachedStream> {
    const snapshot = await this.validSnapshot(streamId);
    let state = snapshot ? fromSnapshot(snapshot.state as ConversationSnapshot) : initialState();
    let revision = snapshot ? snapshot.revision : -1;
    let hash = snapshot ? snapshot.hash : GENESIS_HASH;
    for await (const page of streamPages(this.store, streamId, revision + 1, PAGE_SIZE)) {
      for (const event of page) state = evolve(state, event as unknown as ConversationEvent);
      revision = page[page.length - 1].revision;
      hash = page[page.length - 1].metadata.hash;
    }
    return {
      state,
      revision: revision < 0 ? 'no_stream' : revision,
      hash,
      pendingAppend: Promise.resolve(),
      appendInFlight: false,
      snapshotRevision: snapshot ? snapshot.revision : -1,
      valid: true,
    };
  }

  /**
   * The stream's snapshot if it is of this state version and the event it claims to follow is
   * stored with that hash (a snapshot never outlives a log it does not match).
   */
  private async validSnapshot(streamId: string): Promise<StreamSnapshot | undefined> {
    const snapshot = await this.snapshots.load(streamId);
    if (!snapshot || snapshot.schemaVersion !== CONVERSATION_SNAPSHOT_VERSION) return undefined;
    const [event] = await this.store.readStream(streamId, {
      fromRevision: snapshot.revision,
      maxCount: 1,
    });
    return event?.revision === snapshot.revision && event.metadata.hash === snapshot.hash
      ? snapshot
      : undefined;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.capacity) return;
      this.entries.get(key)!.valid = false;
      this.entries.delete(key);
    }
  }
}

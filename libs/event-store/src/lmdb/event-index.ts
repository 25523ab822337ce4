import { join } from 'node:path';
import { Database, open, RootDatabase } from 'lmdb';
import { StreamSnapshot } from '../snapshot-store.port';
import {
  discardIfTornByReboot,
  markCleanlyClosed,
} from '../../../platform/src/storage/reboot-guard';

/** Sub-directory of the event store's directory that holds the index. */
export const INDEX_DIR = 'index';
const INDEX_FILE = 'index.mdb';
const INDEXED_UP_TO = 'indexedUpTo';

/** What the index records of one event. */
export interface IndexEntry {
  streamId: string;
  revision: number;
  eventId: string;
  position: number;
}

/**
 * The event store's lookups, all derived from the log: [streamId, revision] → position,
 * eventId → position, and the position up to which both are complete.
 *
 * They live in an LMDB environment of their own, written without fsync and through a writable
 * memory map (`noSync`, `useWritemap`). The log's fsynced commit then holds only the log's
 * own few contiguous pages, not also one scattered index leaf per stream and per random event
 * id (about 50 page writes per commit before, 3 to 4 after: docs/performance.md), and indexing
 * costs no system call. The index is written right after each log commit is durable, before
 * the appends resolve, so it is never ahead of the log:
 * - after a process crash it may lack the log's tail: the writer re-indexes it on open;
 * - after a machine crash while it was open it may be torn: the reboot guard discards it and
 *   the writer rebuilds it from the whole log.
 */
export class EventIndex {
  readonly streams: Database<number, [string, number]>;
  readonly ids: Database<number, string>;
  /** Stream snapshots (snapshot-store.port.ts): a cache of the log like the rest of the index. */
  readonly snapshots: Database<StreamSnapshot, string>;
  private readonly meta: Database<number, string>;

  private constructor(
    readonly root: RootDatabase,
    private readonly dir: string,
    private readonly readOnly: boolean,
  ) {
    // Values are positions: ordered-binary writes a number without msgpack's machinery.
    this.streams = root.openDB({ name: 'streams', encoding: 'ordered-binary' });
    this.ids = root.openDB({ name: 'ids', encoding: 'ordered-binary' });
    this.meta = root.openDB({ name: 'meta', encoding: 'ordered-binary' });
    this.snapshots = root.openDB({ name: 'snapshots', encoding: 'msgpack' });
  }

  /**
   * The writer runs the reboot guard first (a torn index is deleted, so it opens empty and is
   * rebuilt from the log); a read-only instance opens the writer's index as it is.
   */
  static open(eventsDir: string, readOnly: boolean): EventIndex {
    const dir = join(eventsDir, INDEX_DIR);
    if (!readOnly) discardIfTornByReboot(dir, INDEX_FILE);
    const root = open({ path: join(dir, INDEX_FILE), noSync: true, useWritemap: true, readOnly });
    return new EventIndex(root, dir, readOnly);
  }

  /** Every event at or below this position is indexed. */
  indexedUpTo(): number {
    return this.meta.get(INDEXED_UP_TO) ?? 0;
  }

  /**
   * Indexes `entries` and moves `indexedUpTo` to `upTo`, in one synchronous transaction:
   * with a writable map and no sync it does no I/O, so it is over in microseconds.
   */
  write(entries: readonly IndexEntry[], upTo: number): void {
    this.root.transactionSync(() => {
      for (const { streamId, revision, eventId, position } of entries) {
        void this.streams.put([streamId, revision], position);
        void this.ids.put(eventId, position);
      }
      void this.meta.put(INDEXED_UP_TO, upTo);
    });
  }

  /** Empties the index (to rebuild it from the log); `indexedUpTo` goes back to 0 first. */
  clear(): void {
    this.meta.clearSync();
    this.streams.clearSync();
    this.ids.clearSync();
    this.snapshots.clearSync();
  }

  /** Closes the environment; the writer then fsyncs it and marks it cleanly closed. */
  async close(): Promise<void> {
    await this.root.close();
    if (!this.readOnly) markCleanlyClosed(this.dir, INDEX_FILE);
  }
}

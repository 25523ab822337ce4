/**
 * A stream's folded state as of one revision, so that loading a long stream reads the snapshot
 * and the events after it instead of the whole stream. Snapshots are a cache of the log: losing
 * one costs a longer load, never correctness, so adapters may write them without fsync.
 */
export interface StreamSnapshot {
  /** Revision of the last event folded into `state`. */
  revision: number;
  /** metadata.hash of that event: the next append chains from it. */
  hash: string;
  /** Version of the state's shape; a snapshot of another version is ignored. */
  schemaVersion: number;
  /** JSON-serialisable state. */
  state: unknown;
}

/**
 * Guarantees every adapter keeps (checked by the snapshot contract suite):
 * - `load` returns the saved snapshot with the highest revision (or undefined);
 * - `save` of a revision at or below the stored one changes nothing, so concurrent writers in
 *   several processes can only move a snapshot forward.
 */
export interface SnapshotStore {
  load(streamId: string): Promise<StreamSnapshot | undefined>;
  save(streamId: string, snapshot: StreamSnapshot): Promise<void>;
}

import { SnapshotStore, StreamSnapshot } from '../snapshot-store.port';
import { EventIndex } from './event-index';

/**
 * Snapshots in the event index's environment: unsynced and written through the map like the
 * index (a snapshot is a cache of the log), discarded with it when a reboot tore it, cleared
 * with it when it is rebuilt. Only the writer process saves; `save` only moves forward.
 */
export class LmdbSnapshotStore implements SnapshotStore {
  constructor(private readonly index: () => EventIndex) {}

  async load(streamId: string): Promise<StreamSnapshot | undefined> {
    return this.index().snapshots.get(streamId);
  }

  async save(streamId: string, snapshot: StreamSnapshot): Promise<void> {
    const { snapshots } = this.index();
    snapshots.transactionSync(() => {
      const stored = snapshots.get(streamId);
      if (!stored || stored.revision < snapshot.revision) void snapshots.put(streamId, snapshot);
    });
  }
}

import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  jsonEvent,
  NO_STREAM,
  type AppendExpectedRevision,
  type JSONType,
} from '@eventstore/db-client';
import { SnapshotStore, StreamSnapshot } from '../snapshot-store.port';
import { isStreamNotFound, isWrongExpectedVersion, SNAPSHOT_STREAM_PREFIX } from './esdb-mapping';
import type { EsdbClient } from './eventstoredb-event-store';

export const SNAPSHOT_EVENT_TYPE = 'StreamSnapshot';

export interface EventStoreDbSnapshotStoreOptions {
  /** Must match the event store's `snapshotStreamPrefix` (which keeps these out of `$all` reads). */
  streamPrefix?: string;
  /** Dispose of the client on close() (set by `connect`). */
  disposeClientOnClose?: boolean;
}

interface StoredSnapshot {
  /** Revision of the snapshot event in its own stream (the expected revision of the next save). */
  streamRevision: bigint;
  snapshot: StreamSnapshot | undefined;
}

function isStreamSnapshot(data: unknown): data is StreamSnapshot {
  if (typeof data !== 'object' || data === null) return false;
  const { revision, hash, schemaVersion } = data as Record<string, unknown>;
  return (
    Number.isSafeInteger(revision) &&
    typeof hash === 'string' &&
    Number.isSafeInteger(schemaVersion) &&
    'state' in data
  );
}

/**
 * SnapshotStore on EventStoreDB: the snapshots of stream S are the events of stream
 * `snapshot-S`, whose metadata sets `$maxCount: 1` so the server keeps only the latest (older
 * ones are dropped from reads at once and from disk at the next scavenge). `load` reads that
 * stream backwards, one event. `save` appends with the snapshot stream's current revision as
 * the expected revision, so of two concurrent savers only one wins each round, and a saver
 * that finds a snapshot at or beyond its own revision stops: snapshots only move forward. A
 * saver loses a round only to a snapshot stored meanwhile with a higher revision than the one it
 * read and below its own, so its retries end.
 */
export class EventStoreDbSnapshotStore implements SnapshotStore {
  private readonly prefix: string;

  constructor(
    private readonly client: EsdbClient,
    private readonly options: EventStoreDbSnapshotStoreOptions = {},
  ) {
    this.prefix = options.streamPrefix ?? SNAPSHOT_STREAM_PREFIX;
  }

  static connect(
    connectionString: string,
    options: Omit<EventStoreDbSnapshotStoreOptions, 'disposeClientOnClose'> = {},
  ): EventStoreDbSnapshotStore {
    const client = EventStoreDBClient.connectionString(connectionString);
    return new EventStoreDbSnapshotStore(client, { ...options, disposeClientOnClose: true });
  }

  /** The snapshot stream of `streamId`. */
  streamOf(streamId: string): string {
    return `${this.prefix}${streamId}`;
  }

  async load(streamId: string): Promise<StreamSnapshot | undefined> {
    return (await this.readLatest(streamId))?.snapshot;
  }

  async save(streamId: string, snapshot: StreamSnapshot): Promise<void> {
    const stream = this.streamOf(streamId);
    for (;;) {
      const latest = await this.readLatest(streamId);
      if (latest?.snapshot && latest.snapshot.revision >= snapshot.revision) return;
      let expectedRevision: AppendExpectedRevision;
      if (latest) {
        expectedRevision = latest.streamRevision;
      } else {
        // First snapshot of this stream: keep only the latest event from now on. Setting it
        // again after a crash between the two calls is harmless.
        await this.client.setStreamMetadata(stream, { maxCount: 1 });
        expectedRevision = NO_STREAM;
      }
      try {
        const event = jsonEvent({
          type: SNAPSHOT_EVENT_TYPE,
          data: { ...snapshot } as JSONType,
        });
        await this.client.appendToStream(stream, event, { expectedRevision });
        return;
      } catch (err) {
        // Another saver went first: look again (it may have saved a later revision).
        if (!isWrongExpectedVersion(err)) throw err;
      }
    }
  }

  async close(): Promise<void> {
    if (this.options.disposeClientOnClose) await this.client.dispose();
  }

  private async readLatest(streamId: string): Promise<StoredSnapshot | undefined> {
    try {
      for await (const resolved of this.client.readStream(this.streamOf(streamId), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        const { event } = resolved;
        if (!event) continue;
        // A snapshot this code cannot read is treated as none (the next save replaces it).
        const data = event.isJson ? event.data : undefined;
        return {
          streamRevision: event.revision,
          snapshot: isStreamSnapshot(data) ? data : undefined,
        };
      }
    } catch (err) {
      if (isStreamNotFound(err)) return undefined;
      throw err;
    }
    return undefined;
  }
}

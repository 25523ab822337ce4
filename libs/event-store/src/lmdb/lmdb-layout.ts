import { Database, open, RootDatabase } from 'lmdb';
import { GENESIS_HASH } from '../hash-chain';
import { ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../event-store.port';
import {
  decodeLmdbPosition,
  decodeStoredEvent,
  encodeLmdbPosition,
  storedHash,
} from './stored-event';
import { CatchUpPage } from '../catch-up-subscription';
import { matchesFilter } from '../event-filter';
import { EventIndex, IndexEntry } from './event-index';

export interface StreamHead {
  /** Revision of the stream's last event; -1 when the stream does not exist. */
  revision: number;
  hash: string;
}

/** Where an event id is stored. */
export interface EventLocation {
  streamId: string;
  revision: number;
  position: number;
  /** The stored event's hash: a retry must carry the very same event, not just its id. */
  hash: string;
}

export const MAX_REVISION = Number.MAX_SAFE_INTEGER;

/** LMDB keys are limited to ~1978 bytes; stream and event ids are keys (or parts of one). */
const MAX_ID_BYTES = 512;

/**
 * Checked before anything is reserved, so a put can never fail halfway through an append.
 * A UTF-8 byte is at most 3 per UTF-16 code unit, so short ids skip Buffer.byteLength.
 */
export function assertKeySizes(
  streamId: string,
  events: { metadata: { eventId: string } }[],
): void {
  assertKeySize(streamId);
  for (const { metadata } of events) assertKeySize(metadata.eventId);
}

function assertKeySize(id: string): void {
  if (id.length * 3 <= MAX_ID_BYTES || Buffer.byteLength(id) <= MAX_ID_BYTES) return;
  throw new RangeError(`id longer than ${MAX_ID_BYTES} bytes: ${id.slice(0, 40)}…`);
}

/**
 * The log: one fsynced LMDB environment with one db, `events`: position → stored event text
 * (stored-event.ts; dense from 1). Beside it, the index (event-index.ts, not fsynced):
 * [streamId, revision] → position and eventId → position, complete up to `indexedUpTo`.
 */
export class LmdbLayout {
  readonly events: Database<string, number>;
  private openedIndex?: EventIndex;

  private constructor(
    readonly root: RootDatabase,
    private readonly dir: string,
    private readonly readOnly: boolean,
  ) {
    this.events = root.openDB({ name: 'events', encoding: 'string' });
  }

  /**
   * The writer opens the index at once (it brings it up to the log); a read-only instance on
   * first use, as most (the projector) only read the log, and the index may not exist yet in a
   * data directory the writer has not opened since it was introduced.
   */
  get index(): EventIndex {
    this.openedIndex ??= EventIndex.open(this.dir, this.readOnly);
    return this.openedIndex;
  }

  get streams(): Database<number, [string, number]> {
    return this.index.streams;
  }

  get ids(): Database<number, string> {
    return this.index.ids;
  }

  /**
   * Durability: `overlappingSync: false` (and never `noSync`) makes LMDB sync each transaction
   * before its commit is acknowledged (checked with strace: one fdatasync of the data pages, then
   * the meta page written through an O_DSYNC fd), so a write promise resolves only once the data
   * is on disk, and other processes never see a committed-but-unflushed transaction. lmdb-js
   * still groups all writes queued while a commit is in flight into the next transaction, so
   * concurrent appends share one sync (group commit). With overlappingSync on (the default on
   * Linux) the promise would resolve at commit, before the flush.
   *
   * The writer then brings the index up to the log (`reindexed`: how many events it indexed).
   */
  static open(dir: string, readOnly: boolean): { layout: LmdbLayout; reindexed: number } {
    const root = open({ path: dir, overlappingSync: false, noSync: false, readOnly });
    const layout = new LmdbLayout(root, dir, readOnly);
    if (readOnly) return { layout, reindexed: 0 };
    layout.openedIndex = EventIndex.open(dir, false);
    return { layout, reindexed: layout.catchUpIndex() };
  }

  /**
   * Indexes the log's tail that the index lacks: the appends of the last moments before a
   * crash, or the whole log after the index was discarded (or was never built). An index ahead
   * of the log cannot come from a crash (it is written after the log's commit): it is rebuilt.
   * The writer also runs it when it recovers from a failed commit or index write.
   */
  catchUpIndex(): number {
    const last = this.lastPosition();
    let upTo = this.index.indexedUpTo();
    if (upTo > last) {
      this.index.clear();
      upTo = 0;
    }
    const from = upTo;
    while (upTo < last) {
      const entries: IndexEntry[] = [];
      for (const { key, value } of this.events.getRange({ start: upTo + 1, limit: 10_000 })) {
        const { streamId, revision, metadata } = decodeStoredEvent(value, key);
        entries.push({ streamId, revision, eventId: metadata.eventId, position: key });
        upTo = key;
      }
      this.index.write(entries, upTo);
    }
    return upTo - from;
  }

  /** Makes the next reads see what other instances committed since this thread's last read. */
  renewReadSnapshot(): void {
    this.root.resetReadTxn();
    this.openedIndex?.root.resetReadTxn();
  }

  /** Closes the log, then the index (which the writer marks cleanly closed). */
  async close(): Promise<void> {
    await this.root.close();
    await this.openedIndex?.close();
  }

  lastPosition(): number {
    for (const key of this.events.getKeys({ reverse: true, limit: 1 })) return key;
    return 0;
  }

  /** Synchronous read of a stream's committed head (the hash is read without a full decode). */
  readHead(streamId: string): StreamHead {
    for (const { key, value } of this.streams.getRange({
      start: [streamId, MAX_REVISION],
      end: [streamId, -1],
      reverse: true,
      limit: 1,
    })) {
      const stored = this.events.get(value);
      if (stored !== undefined) return { revision: key[1], hash: storedHash(stored) };
    }
    return { revision: -1, hash: GENESIS_HASH };
  }

  locate(eventId: string): EventLocation | undefined {
    const position = this.ids.get(eventId);
    const stored = position === undefined ? undefined : this.events.get(position);
    if (stored === undefined || position === undefined) return undefined;
    const { streamId, revision } = decodeStoredEvent(stored, position);
    return { streamId, revision, position, hash: storedHash(stored) };
  }

  /** Committed events of one stream (see ReadStreamOptions). */
  readStream(streamId: string, options: ReadStreamOptions): RecordedEvent[] {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? MAX_REVISION : 0);
    const end: [string, number] = [streamId, backwards ? -1 : MAX_REVISION];
    const range = {
      start: [streamId, from] as [string, number],
      end,
      reverse: backwards,
      limit: options.maxCount,
    };
    const events: RecordedEvent[] = [];
    for (const { value: position } of this.streams.getRange(range)) {
      const stored = this.events.get(position);
      if (stored !== undefined) events.push(decodeStoredEvent(stored, position));
    }
    return events;
  }

  readEvent(eventId: string): RecordedEvent | undefined {
    const position = this.ids.get(eventId);
    const stored = position === undefined ? undefined : this.events.get(position);
    return stored === undefined ? undefined : decodeStoredEvent(stored, position!);
  }

  /** Committed events after a position, in position order (see ReadAllOptions). */
  readAll(options: ReadAllOptions): RecordedEvent[] {
    return this.scan(options.after ?? '', options.maxCount, options, Infinity).events;
  }

  /**
   * Up to `maxCount` matching events after `after`, examining at most `maxScanned` stored events
   * (so a filtered read of a long non-matching stretch still returns, with `scannedTo` moved on).
   */
  scan(
    after: string,
    maxCount: number,
    { filter }: Pick<ReadAllOptions, 'filter'>,
    maxScanned = maxCount * 20,
  ): CatchUpPage {
    const start = decodeLmdbPosition(after) + 1;
    const events: RecordedEvent[] = [];
    let scanned = 0;
    let last = 0;
    const scannedTo = () => (last === 0 ? after : encodeLmdbPosition(last));
    for (const { key, value } of this.events.getRange({ start })) {
      if (events.length >= maxCount || scanned >= maxScanned) {
        return { events, scannedTo: scannedTo(), exhausted: false };
      }
      scanned++;
      last = key;
      const event = decodeStoredEvent(value, key);
      if (matchesFilter(filter, event.streamId, event.type)) events.push(event);
    }
    return { events, scannedTo: scannedTo(), exhausted: true };
  }
}

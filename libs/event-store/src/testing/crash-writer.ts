/**
 * Child process of the crash test: appends as fast as it can, 20 appends in flight, and prints
 * `<eventId> <streamId> <revision>` for each append as soon as it is acknowledged. The parent
 * SIGKILLs it mid-flight and checks that every acknowledged event survived.
 * Usage: node crash-writer.js <dataDir>
 */
import pino from 'pino';
import { LmdbEventStore } from '../lmdb/lmdb-event-store';
import { sealFor } from './event-store.contract';

const WRITERS = 20;

async function writer(store: LmdbEventStore, index: number): Promise<never> {
  const streamId = `crash-${index}`;
  let head: { revision: number; hash: string } | undefined;
  for (let n = 0; ; n++) {
    // Alternate single and multi-event appends, each sealed onto the stream's head.
    const events = sealFor(streamId, 1 + (n % 3), head);
    const result = await store.append(streamId, events, head ? head.revision : 'no_stream');
    head = { revision: result.nextExpectedRevision, hash: events[events.length - 1].metadata.hash };
    const first = result.nextExpectedRevision - events.length + 1;
    const lines = events.map((e, i) => `${e.metadata.eventId} ${streamId} ${first + i}\n`).join('');
    process.stdout.write(lines);
  }
}

const store = LmdbEventStore.open(process.argv[2], { logger: pino({ level: 'silent' }) });
for (let i = 0; i < WRITERS; i++) void writer(store, i);

/**
 * Child process of the crash test: appends as fast as it can, 20 appends in flight, and prints
 * `<eventId> <streamId> <revision>` for each append as soon as it is acknowledged. The parent
 * SIGKILLs it mid-flight and checks that every acknowledged event survived.
 * Usage: node crash-writer.js <dataDir>
 */
import pino from 'pino';
import { LmdbEventStore } from '../lmdb/lmdb-event-store';
import { newEvents } from './event-store.contract';

const WRITERS = 20;

async function writer(store: LmdbEventStore, index: number): Promise<never> {
  const streamId = `crash-${index}`;
  let expected: number | 'no_stream' = 'no_stream';
  for (let n = 0; ; n++) {
    // Alternate single and multi-event appends; every 5th goes to a shared stream with 'any'.
    const shared = n % 5 === 4;
    const events = newEvents(shared ? 1 : 1 + (n % 3));
    const target = shared ? 'crash-shared' : streamId;
    const result = await store.append(target, events, shared ? 'any' : expected);
    if (!shared) expected = result.nextExpectedRevision;
    const first = result.nextExpectedRevision - events.length + 1;
    const lines = events.map((e, i) => `${e.metadata.eventId} ${target} ${first + i}\n`).join('');
    process.stdout.write(lines);
  }
}

const store = LmdbEventStore.open(process.argv[2], { logger: pino({ level: 'silent' }) });
for (let i = 0; i < WRITERS; i++) void writer(store, i);

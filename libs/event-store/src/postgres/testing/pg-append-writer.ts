/**
 * Child process of the two-process test: appends to a few shared streams with 10 concurrent
 * writers (each retrying lost races: re-read the head, re-seal, append), and prints
 * `<eventId> <streamId> <revision> <position>` for each event as soon as its append is
 * acknowledged. Exits after `appends` appends (0: runs until killed).
 * Usage: DATABASE_URL=… node pg-append-writer.js <schema> <streamPrefix> <streams> <appends>
 */
import pino from 'pino';
import { appendWithRetry } from '../../testing/event-store-concurrency.contract';
import { PostgresEventStore } from '../postgres-event-store';

const WRITERS = 10;

async function main(): Promise<void> {
  const [schema, prefix, streams, appends] = process.argv.slice(2);
  const store = await PostgresEventStore.connect(process.env.DATABASE_URL, {
    schema,
    poolSize: 4,
    logger: pino({ level: 'silent' }),
  });
  const limit = Number(appends);
  let started = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (limit === 0 || started < limit) {
        started++;
        const streamId = `${prefix}${Math.floor(Math.random() * Number(streams))}`;
        await appendWithRetry(store, streamId, 1 + (started % 3), (events, result) => {
          const first = result.nextExpectedRevision - events.length + 1;
          const last = BigInt(result.position);
          const lines = events.map(
            (e, i) =>
              `${e.metadata.eventId} ${streamId} ${first + i} ${last - BigInt(events.length - 1 - i)}\n`,
          );
          process.stdout.write(lines.join(''));
        });
      }
    }),
  );
  await store.close();
}

main().catch((err) => {
  process.stderr.write(`pg-append-writer: ${err?.stack ?? err}\n`);
  process.exit(1);
});

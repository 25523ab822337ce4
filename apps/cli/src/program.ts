import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_ORIGIN } from '../../../libs/audit/src/signed-checkpoint';

// Commands load on use: `chat --help` and a Parquet-free export do not load DuckDB or drivers.
const events = () => import('./commands/events');
const conversations = () => import('./commands/conversations');
const audit = () => import('./commands/audit');

/**
 * The `chat` command line (docs/cli.md). Every command has --help; errors are one line on
 * stderr and a non-zero exit (main.ts). Commands that read the log share the store options
 * (which store, page size, progress) and most share the event filters.
 */
export function createProgram(): Command {
  const program = new Command('chat')
    .description(
      'Analysts’ and auditors’ tools over the chat event log: export, SQL, stats, time travel, Merkle audit',
    )
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      // Usage errors as one line (commander may add a suggestion on the next line).
      outputError: (text, write) =>
        write(
          `chat: ${text
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim()}\n`,
        ),
    })
    .showSuggestionAfterError(true)
    .helpCommand(true);

  const eventsCommand = program.command('events').description('read the event log');

  filterOptions(
    storeOptions(
      eventsCommand
        .command('export')
        .description(
          'export events as NDJSON (stdout, or --out) or Parquet (--format parquet --out FILE)',
        ),
    ),
  )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['ndjson', 'parquet'])
        .default('ndjson'),
    )
    .option('--out <file>', 'write to this file instead of stdout (required for parquet)')
    .addOption(duckMemoryOption())
    .option('--temp-dir <dir>', 'where DuckDB keeps its temporary database (parquet)')
    .addHelpText(
      'after',
      `
Each NDJSON line: {"id","type","position","stream","revision","time","actor","data","metadata"}.
Examples:
  chat events export --data-dir ./data > events.ndjson
  chat events export --conversation 7f3c… --type MessageSent --from 2025-01-01 --to 2025-02-01
  chat events export --format parquet --out events.parquet`,
    )
    .action(async (options) => (await events()).exportEvents(options));

  filterOptions(
    storeOptions(
      eventsCommand
        .command('query')
        .argument('<sql>', 'DuckDB SQL over the table "events"')
        .description('run DuckDB SQL over the log, loaded as the table "events"'),
    ),
  )
    .option('--json', 'print the rows as a JSON array')
    .option('--max-rows <n>', 'rows shown in the table (the rest are counted)', count, 1000)
    .addOption(duckMemoryOption())
    .option('--temp-dir <dir>', 'where DuckDB keeps its temporary database and spill files')
    .addHelpText(
      'after',
      `
Table "events": position, stream, revision, type, time (TIMESTAMP, UTC), actor, conversation,
id, correlation_id, causation_id, hash, data (JSON). Filters limit what is loaded.
Examples:
  chat events query "SELECT conversation, count(*) AS messages FROM events
                     WHERE type = 'MessageSent' GROUP BY 1 ORDER BY 2 DESC" --json
  chat events query "SELECT data->>'body' AS body FROM events WHERE type = 'MessageSent' LIMIT 5"`,
    )
    .action(async (sql: string, options) => (await events()).queryEvents(sql, options));

  filterOptions(
    storeOptions(
      eventsCommand
        .command('stats')
        .description('counts by type and by day, and the top conversations'),
    ),
  )
    .option('--json', 'print the report as JSON')
    .option('--top <n>', 'how many conversations to list', count, 10)
    .addHelpText('after', '\nExample:\n  chat events stats --data-dir ./data --json')
    .action(async (options) => (await events()).eventStats(options));

  const conversationsCommand = program
    .command('conversations')
    .description('look at conversations');
  storeOptions(
    conversationsCommand
      .command('at')
      .argument('<conversationId>', 'the conversation')
      .description('the conversation as it was at a time or position: members, messages, receipts'),
  )
    .option('--time <time>', 'every event accepted at or before this ISO 8601 time (UTC)')
    .option('--position <position>', 'every event at or before this global position')
    .option('--json', 'print it as JSON')
    .option('--last <n>', 'keep only the last N messages', count)
    .addHelpText(
      'after',
      `
Examples:
  chat conversations at 7f3c… --time 2025-01-31T12:00:00Z
  chat conversations at 7f3c… --position 1042 --json`,
    )
    .action(async (id: string, options) => (await conversations()).conversationAt(id, options));

  const auditCommand = program
    .command('audit')
    .description(
      'the Merkle tree over the log: signed checkpoints, consistency and inclusion proofs',
    );

  auditOptions(
    storeOptions(
      auditCommand
        .command('checkpoint')
        .description('sign the Merkle root over the whole log (JSON on stdout)'),
    ),
  )
    .option('--origin <name>', 'the log name in the signed text', DEFAULT_ORIGIN)
    .addHelpText(
      'after',
      `
The key: --key FILE, default <data-dir>/audit/audit-key.pem (generated on first use, mode 0600).
Example:
  chat audit checkpoint --data-dir ./data > checkpoint-$(date +%F).json`,
    )
    .action(async (options) => (await audit()).auditCheckpoint(options));

  auditOptions(
    storeOptions(
      auditCommand
        .command('verify')
        .description(
          'check the current log against an earlier checkpoint (signature, old root, consistency)',
        ),
    ),
  )
    .requiredOption('--checkpoint <file>', 'the earlier signed checkpoint (JSON)')
    .option('--public-key <file>', 'the public key (SPKI PEM); default: derived from --key')
    .option('--json', 'print the report as JSON (with the consistency proof)')
    .addHelpText(
      'after',
      `
Exit 0 when every check passes, 3 when one fails (named on stderr).
Example:
  chat audit verify --checkpoint checkpoint-2025-01-31.json --public-key audit.pub.pem`,
    )
    .action(async (options) => (await audit()).auditVerify(options));

  auditOptions(
    storeOptions(
      auditCommand
        .command('prove')
        .argument('<eventId>', 'the event (metadata.eventId)')
        .description(
          'the event with its inclusion proof and the signed checkpoint (a proof bundle, JSON)',
        ),
    ),
  )
    .option(
      '--checkpoint <file>',
      'prove against this earlier checkpoint instead of signing a new one',
    )
    .option('--public-key <file>', 'check the --checkpoint signature with this key first')
    .option('--origin <name>', 'the log name in a new checkpoint', DEFAULT_ORIGIN)
    .addHelpText('after', '\nExample:\n  chat audit prove 0190a6f2-… > proof.json')
    .action(async (eventId: string, options) => (await audit()).auditProve(eventId, options));

  auditCommand
    .command('verify-proof')
    .argument('<file>', 'a proof bundle from chat audit prove')
    .description('check a proof bundle offline, with the public key alone')
    .requiredOption('--public-key <file>', 'the log’s public key (SPKI PEM)')
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      `
Exit 0 when valid; 3 and the failing check (format, event-hash, leaf-index, tree-size,
checkpoint-signature, inclusion) otherwise.
Example:
  chat audit verify-proof proof.json --public-key audit.pub.pem`,
    )
    .action(async (file: string, options) => (await audit()).auditVerifyProof(file, options));

  auditCommand
    .command('public-key')
    .description('print the public key (SPKI PEM) of the audit key, for auditors')
    .option('--data-dir <dir>', 'embedded data directory (default: $DATA_DIR or ./data)')
    .option('--key <file>', 'the private key file (default <data-dir>/audit/audit-key.pem)')
    .option('--out <file>', 'write it to this file')
    .addHelpText('after', '\nExample:\n  chat audit public-key --data-dir ./data > audit.pub.pem')
    .action(async (options) => (await audit()).auditPublicKey(options));

  return program;
}

function storeOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'embedded store: the server’s DATA_DIR, opened read-only (default: $DATA_DIR or ./data)',
    )
    .option('--database-url <url>', 'PostgreSQL event store (default: $DATABASE_URL)')
    .option('--pg-schema <name>', 'schema of the PostgreSQL event store', 'event_store')
    .option(
      '--eventstore-url <url>',
      'EventStoreDB, e.g. esdb://host:2113?tls=false (default: $EVENTSTORE_URL)',
    )
    .option('--page-size <n>', 'events per read', count, 1000)
    .option('--progress', 'show progress on stderr even when it is not a terminal');
}

function filterOptions(command: Command): Command {
  return command
    .option('--stream <id>', 'only this stream (repeatable)', collect)
    .option('--conversation <id>', 'only this conversation (repeatable)', collect)
    .option('--type <type>', 'only this event type (repeatable)', collect)
    .option(
      '--actor <userId>',
      'only events written on behalf of this user (repeatable)',
      collect,
      [],
    )
    .option('--from <time>', 'only events at or after this ISO 8601 time (UTC)')
    .option('--to <time>', 'only events before this time')
    .option('--after <position>', 'only events after this global position')
    .option('--until <position>', 'only events at or before this global position');
}

function auditOptions(command: Command): Command {
  return command
    .option(
      '--key <file>',
      'the Ed25519 key file (default <data-dir>/audit/audit-key.pem; required for production stores)',
    )
    .option('--no-check-hashes', 'skip recomputing each event’s hash from its content');
}

const duckMemoryOption = () =>
  new Option('--memory-limit <size>', 'DuckDB memory_limit (it spills to disk beyond)').default(
    '512MB',
  );

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function count(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}

/** The package's version, from the nearest package.json above this file (source or dist). */
function version(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
    if (dirname(dir) === dir) return '0.0.0';
  }
}

/**
 * Names derived from the configured schema: every table, function, lock key and notification
 * channel of one store lives under its schema, so several stores (or test runs) share a server
 * without colliding.
 */
export interface SchemaNames {
  schema: string;
  /** `"schema".` prefix for qualified names. */
  q: (name: string) => string;
  /** LISTEN/NOTIFY channel woken by every append transaction. */
  channel: string;
  /** pg_advisory_xact_lock(int, int) keys: [class, object]. */
  migrationLock: [number, number];
  appendLock: [number, number];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/;

export function schemaNames(schema: string): SchemaNames {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(
      `schema ${JSON.stringify(schema)}: use 1-40 characters of [a-z0-9_], not starting with a digit`,
    );
  }
  const lockClass = fnv1a32(`eventchat-event-store:${schema}`);
  return {
    schema,
    q: (name) => `"${schema}".${name}`,
    channel: `${schema}_appended`,
    migrationLock: [lockClass, 0],
    appendLock: [lockClass, 1],
  };
}

/** A stable 32-bit hash as a signed int (advisory lock keys are int4). */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

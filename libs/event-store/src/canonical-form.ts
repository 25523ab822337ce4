import stringify from 'safe-stable-stringify';
import { EventMetadata } from '../../domain/src';

/**
 * The canonical form of an event, the exact text its hash covers (auditors recompute it):
 * key-sorted JSON as safe-stable-stringify writes it (keys in UTF-16 code-unit order, no
 * whitespace, undefined members left out) of `{ data, metadata, revision, streamId, type }`,
 * where metadata is the event's metadata with `prevHash` and without `hash`.
 *
 * The envelope's shape is fixed, so it is written directly around safe-stable-stringify's
 * output for `data` (and for metadata only when it is not exactly the EventMetadata shape):
 * the text is byte-for-byte what safe-stable-stringify gives for the whole object (checked
 * by canonical-form.unit.spec.ts), just without sorting and escaping the known keys again.
 */
export function canonicalEvent(
  streamId: string,
  revision: number,
  type: string,
  data: object,
  metadata: EventMetadata,
  prevHash: string,
): string {
  const dataMember = member('data', data);
  if (dataMember === '' || typeof streamId !== 'string' || typeof type !== 'string')
    return genericCanonical(streamId, revision, type, data, metadata, prevHash);
  return (
    `{${dataMember},${metadataMember(metadata, prevHash)},` +
    `"revision":${numberJson(revision)},"streamId":${str(streamId)},"type":${str(type)}}`
  );
}

/**
 * `"key":<value>` as it appears inside the envelope, or '' when safe-stable-stringify leaves
 * the member out. Wrapping keeps the value at the envelope's depth, which shows in how a
 * circular reference is written ("[Circular: depth]") and in the key its toJSON receives.
 */
function member(key: string, value: unknown): string {
  const wrapped = stringify({ [key]: value }) ?? '{}';
  return wrapped.slice(1, -1);
}

/** Everything else: what the fast path must equal. */
export function genericCanonical(
  streamId: string,
  revision: number,
  type: string,
  data: object,
  metadata: EventMetadata,
  prevHash: string,
): string {
  const chained = { ...withoutHash(metadata), prevHash };
  return stringify({ data, metadata: chained, revision, streamId, type }) ?? '';
}

function metadataMember(m: EventMetadata, prevHash: string): string {
  if (!isPlainEventMetadata(m)) return member('metadata', { ...withoutHash(m), prevHash });
  return (
    `"metadata":{"actor":${str(m.actor)},"causationId":${str(m.causationId)},` +
    `"correlationId":${str(m.correlationId)},"eventId":${str(m.eventId)},` +
    `"prevHash":${str(prevHash)},"schemaVersion":${numberJson(m.schemaVersion)},` +
    `"timestamp":${str(m.timestamp)}}`
  );
}

const METADATA_KEYS = new Set<string>([
  'actor',
  'causationId',
  'correlationId',
  'eventId',
  'schemaVersion',
  'timestamp',
]);

/** Exactly the six EventMetadata members as own enumerable properties, of the declared types. */
function isPlainEventMetadata(m: EventMetadata): boolean {
  const keys = Object.keys(m);
  if (keys.length !== METADATA_KEYS.size) return false;
  for (const key of keys) if (!METADATA_KEYS.has(key)) return false;
  return (
    typeof m.actor === 'string' &&
    typeof m.causationId === 'string' &&
    typeof m.correlationId === 'string' &&
    typeof m.eventId === 'string' &&
    typeof m.schemaVersion === 'number' &&
    typeof m.timestamp === 'string'
  );
}

/** A caller's metadata cannot smuggle a `hash` into the canonical form (rare: copy only then). */
export function withoutHash(metadata: EventMetadata): EventMetadata {
  if (!Object.prototype.hasOwnProperty.call(metadata, 'hash')) return metadata;
  const { hash: _ignored, ...rest } = metadata as EventMetadata & { hash?: unknown };
  return rest;
}

const numberJson = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

// safe-stable-stringify's own escaping rule: quote as is unless something needs escaping.
const NEEDS_ESCAPE = /[\u0000-\u001f\u0022\u005c\ud800-\udfff]/;
const str = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

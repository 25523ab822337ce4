export * from './eventstoredb-event-store';
export * from './eventstoredb-snapshot-store';
export { SNAPSHOT_STREAM_PREFIX } from './esdb-mapping';
export { encodePosition, decodePosition } from './esdb-position';

export { PostgresEventStore, PostgresEventStoreOptions } from './postgres-event-store';
export { PostgresSnapshotStore, PostgresSnapshotStoreOptions } from './postgres-snapshot-store';
export { GroupCommitStats } from './group-commit';
export { LATEST_SCHEMA_VERSION } from './migrations';

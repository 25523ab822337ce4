export * from './event-store.port';
export * from './hash-chain';
export * from './duplicate-event-id.error';
export * from './catch-up-subscription';
export * from './lmdb/lmdb-event-store';
export * from './live-subscriptions';

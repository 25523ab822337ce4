export * from './read-model-store.port';
export * from './watermarks';
export { LmdbReadModelStore } from './lmdb/lmdb-read-model-store';

export { CassandraReadModelStore } from './cassandra-read-model-store';
export {
  CassandraReadModelOptions,
  CqlBackend,
  cassandraOptionsFromEnv,
  DEFAULT_KEYSPACE,
} from './cassandra-options';
export { BUCKET_SIZE, bucketOf } from './timeline-buckets';

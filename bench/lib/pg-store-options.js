// Preload for experiments (node -r): merges PG_STORE_OPTIONS (JSON, e.g. '{"maxBatchesInFlight":2}')
// into every PostgresEventStore.connect(...) of a built production app, without changing the app.
// Usage: BENCH_NODE_ARGS="-r ./bench/lib/pg-store-options.js" PG_STORE_OPTIONS='{…}' node bench/pg-http-send.js
'use strict';
const { join } = require('node:path');
const { PostgresEventStore } = require(join(__dirname, '..', '..', 'dist/libs/event-store/src/postgres/postgres-event-store.js'));

const extra = JSON.parse(process.env.PG_STORE_OPTIONS || '{}');
const connect = PostgresEventStore.connect;
PostgresEventStore.connect = function connectWithBenchOptions(url, options = {}) {
  return connect.call(this, url, { ...options, ...extra });
};

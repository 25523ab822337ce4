import { UsageError } from '../cli-error';
import { selectStore } from './open-store';

describe('which store the options name', () => {
  it('defaults to the embedded ./data (or $DATA_DIR)', () => {
    expect(selectStore({}, {})).toEqual({ kind: 'lmdb', dataDir: './data' });
    expect(selectStore({}, { DATA_DIR: '/srv/chat' })).toEqual({
      kind: 'lmdb',
      dataDir: '/srv/chat',
    });
  });

  it('takes PostgreSQL from --database-url or $DATABASE_URL, EventStoreDB from --eventstore-url', () => {
    expect(selectStore({ databaseUrl: 'postgres://h/db', pgSchema: 's1' }, {})).toEqual({
      kind: 'postgres',
      url: 'postgres://h/db',
      schema: 's1',
    });
    expect(selectStore({}, { DATABASE_URL: 'postgres://h/db' })).toMatchObject({
      kind: 'postgres',
      schema: 'event_store',
    });
    expect(selectStore({ eventstoreUrl: 'esdb://h:2113' }, {})).toEqual({
      kind: 'eventstoredb',
      url: 'esdb://h:2113',
    });
  });

  it('an explicit option wins over the environment', () => {
    expect(selectStore({ dataDir: '/d' }, { DATABASE_URL: 'postgres://h/db' })).toEqual({
      kind: 'lmdb',
      dataDir: '/d',
    });
  });

  it('two stores named at once are a usage error, not a guess', () => {
    expect(() => selectStore({ dataDir: '/d', databaseUrl: 'postgres://h/db' }, {})).toThrow(
      UsageError,
    );
    expect(() => selectStore({}, { DATABASE_URL: 'postgres://h/db', DATA_DIR: '/d' })).toThrow(
      /pick the store/,
    );
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadModelOp } from '../../../libs/domain/src';
import { padU64 } from '../../../libs/event-store/src/position';
import { LmdbReadModelStore } from '../../../libs/read-models/src';
import { ProjectorMemberCache } from './projector-member-cache';

/** getConversation knows a conversation only once it was started (upserted). */
const add = (conversationId: string, userIds: string[]): ReadModelOp[] => [
  { op: 'upsertConversation', conversationId, kind: 'group', createdAt: '2025-01-01T00:00:00Z' },
  { op: 'addMembers', conversationId, userIds },
];
const remove = (conversationId: string, userIds: string[]): ReadModelOp[] => [
  { op: 'removeMembers', conversationId, userIds },
];

describe('ProjectorMemberCache over LMDB read models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'projector-member-cache-'));
  const store = LmdbReadModelStore.open(dir);
  let position = 0;
  /** The next global position (opaque strings; padded so string order is log order). */
  const next = (): string => padU64(++position);
  const commit = async (cache: ProjectorMemberCache, ops: ReadModelOp[]) => {
    await store.apply(ops, next());
    cache.committed(ops);
  };
  const fromStore = async (id: string) => (await store.getConversation(id))?.members ?? [];

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stays equal to the store (members and their order) through the ops it is told about', async () => {
    const cache = new ProjectorMemberCache(store);
    expect(await cache.get('m1')).toEqual([]);
    await commit(cache, add('m1', ['zoe', 'bob', 'Émile', 'alice']));
    expect(await cache.get('m1')).toEqual(await fromStore('m1'));
    await commit(cache, [
      ...remove('m1', ['bob']),
      ...add('m1', ['carl', 'bob', 'ann']),
      ...remove('m1', ['zoe']),
    ]);
    expect(await cache.get('m1')).toEqual(await fromStore('m1'));
    expect(await cache.get('m1')).toEqual(['alice', 'ann', 'bob', 'carl', 'Émile']);
  });

  it('loads a conversation it has not cached from the store', async () => {
    await store.apply(add('m2', ['dave', 'erin']), next());
    const cache = new ProjectorMemberCache(store);
    expect(await cache.get('m2')).toEqual(['dave', 'erin']);
  });

  it('ignores ops of conversations it does not hold, and clear() forgets everything', async () => {
    const cache = new ProjectorMemberCache(store);
    await commit(cache, add('m3', ['frank']));
    expect(cache.size).toBe(0);
    expect(await cache.get('m3')).toEqual(['frank']);
    cache.clear();
    await store.apply(remove('m3', ['frank']), next());
    expect(await cache.get('m3')).toEqual([]);
  });

  it('evicts the least recently used conversation beyond its bound', async () => {
    await store.apply([...add('a', ['u1']), ...add('b', ['u2']), ...add('c', ['u3'])], next());
    const cache = new ProjectorMemberCache(store, 2);
    await cache.get('a');
    await cache.get('b');
    await cache.get('a'); // a is now the most recently used
    await cache.get('c'); // evicts b
    expect(cache.size).toBe(2);
    await store.apply(add('b', ['u9']), next()); // not told: only a reload sees it
    expect(await cache.get('b')).toEqual(['u2', 'u9']);
  });
});

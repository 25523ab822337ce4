import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { encodeLmdbPosition } from '../../../event-store/src/lmdb/stored-event';
import { describeReadModelStoreContract } from '../testing/read-model-store.contract';
import { pos, putMessage, startConversation } from '../testing/read-model-fixtures';
import { LmdbReadModelStore } from './lmdb-read-model-store';
import { CHECKPOINT_KEY, READ_MODELS_FILE } from './lmdb-tables';

const root = mkdtempSync(join(tmpdir(), 'read-models-'));
let counter = 0;
const freshDir = (): string => join(root, `store-${++counter}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeReadModelStoreContract('LMDB', () => LmdbReadModelStore.open(freshDir()));

describe('LmdbReadModelStore on disk', () => {
  it('keeps read models and checkpoint across close and reopen', async () => {
    const dir = freshDir();
    const first = LmdbReadModelStore.open(dir);
    await first.apply([...startConversation('c1', ['alice', 'bob']), putMessage('c1', 1)], pos(42));
    await first.close();
    const second = LmdbReadModelStore.open(dir);
    expect(await second.getCheckpoint()).toBe(pos(42));
    expect((await second.getConversation('c1'))!.lastSeq).toBe(1);
    await second.close();
  });

  it('reads a checkpoint an older version stored as a number as that LMDB log position', async () => {
    /** Read models whose meta 'checkpoint' is the plain number an older version wrote. */
    const legacyDir = async (checkpoint: number): Promise<string> => {
      const dir = freshDir();
      await LmdbReadModelStore.open(dir).close();
      const root = open({ path: join(dir, READ_MODELS_FILE), maxDbs: 12 });
      await root
        .openDB<number, string>({ name: 'meta', encoding: 'json' })
        .put(CHECKPOINT_KEY, checkpoint);
      await root.close();
      return dir;
    };

    const store = LmdbReadModelStore.open(await legacyDir(42));
    expect(await store.getCheckpoint()).toBe(encodeLmdbPosition(42));
    // Compared as a position too: an older batch does not move it back, a newer one does.
    await store.apply([], encodeLmdbPosition(41));
    expect(await store.getCheckpoint()).toBe(encodeLmdbPosition(42));
    await store.apply([], encodeLmdbPosition(43));
    expect(await store.getCheckpoint()).toBe(encodeLmdbPosition(43));
    await store.close();

    const empty = LmdbReadModelStore.open(await legacyDir(0));
    expect(await empty.getCheckpoint()).toBe('');
    await empty.close();
  });
});

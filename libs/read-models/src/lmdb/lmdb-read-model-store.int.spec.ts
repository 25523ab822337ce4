import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeReadModelStoreContract } from '../testing/read-model-store.contract';
import { putMessage, startConversation } from '../testing/read-model-fixtures';
import { LmdbReadModelStore } from './lmdb-read-model-store';

const root = mkdtempSync(join(tmpdir(), 'read-models-'));
let counter = 0;
const freshDir = (): string => join(root, `store-${++counter}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeReadModelStoreContract('LMDB', () => LmdbReadModelStore.open(freshDir()));

describe('LmdbReadModelStore on disk', () => {
  it('keeps read models and checkpoint across close and reopen', async () => {
    const dir = freshDir();
    const first = LmdbReadModelStore.open(dir);
    await first.apply([...startConversation('c1', ['alice', 'bob']), putMessage('c1', 1)], 42);
    await first.close();
    const second = LmdbReadModelStore.open(dir);
    expect(await second.getCheckpoint()).toBe(42);
    expect((await second.getConversation('c1'))!.lastSeq).toBe(1);
    await second.close();
  });
});

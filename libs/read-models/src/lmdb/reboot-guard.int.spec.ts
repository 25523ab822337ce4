import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { padU64 } from '../../../event-store/src/position';
import { currentBootId } from '../../../platform/src/storage/reboot-guard';
import { LmdbReadModelStore } from './lmdb-read-model-store';

/**
 * The read models are written without fsync; the reboot guard throws them away (to be rebuilt
 * from the log) exactly when the machine went down while they were open for writing.
 */
describe('read models reboot guard', () => {
  const message = (seq: number) => ({
    conversationId: 'c',
    seq,
    messageId: `m${seq}`,
    clientMessageId: `k${seq}`,
    senderId: 'u',
    body: 'hi',
    attachments: [],
    sentAt: '2026-01-01T00:00:00.000Z',
  });

  /** A DATA_DIR/read-models with one applied message, left in the given state. */
  async function leftBehind(state: { bootId: string; clean: boolean } | 'cleanly-closed') {
    const dir = mkdtempSync(join(tmpdir(), 'rm-guard-'));
    expect(LmdbReadModelStore.prepare(dir)).toBe(false);
    const store = LmdbReadModelStore.open(dir);
    await store.apply([{ op: 'putMessage', message: message(1) }], padU64(7));
    await store.close();
    if (state === 'cleanly-closed') LmdbReadModelStore.markClean(dir);
    else writeFileSync(join(dir, 'open-state.json'), JSON.stringify(state));
    return dir;
  }

  async function reopen(dir: string) {
    const discarded = LmdbReadModelStore.prepare(dir);
    const store = LmdbReadModelStore.open(dir);
    const result = {
      discarded,
      checkpoint: await store.getCheckpoint(),
      messages: (await store.getMessages('c', { limit: 10 })).length,
    };
    await store.close();
    return result;
  }

  it('keeps them after a process crash (open, same boot): the OS still had every page', async () => {
    const dir = await leftBehind({ bootId: currentBootId(), clean: false });
    expect(await reopen(dir)).toEqual({ discarded: false, checkpoint: padU64(7), messages: 1 });
  });

  it('discards them after a reboot while they were open: they may be torn', async () => {
    const dir = await leftBehind({ bootId: 'an-earlier-boot', clean: false });
    expect(await reopen(dir)).toEqual({ discarded: true, checkpoint: '', messages: 0 });
  });

  it('keeps them after a reboot when they had been closed cleanly (fsynced)', async () => {
    const dir = await leftBehind('cleanly-closed');
    const state = JSON.parse(readFileSync(join(dir, 'open-state.json'), 'utf8'));
    expect(state.clean).toBe(true);
    writeFileSync(
      join(dir, 'open-state.json'),
      JSON.stringify({ ...state, bootId: 'an-earlier-boot' }),
    );
    expect(await reopen(dir)).toEqual({ discarded: false, checkpoint: padU64(7), messages: 1 });
  });

  it('marks them open (not clean) while in use', async () => {
    const dir = await leftBehind('cleanly-closed');
    LmdbReadModelStore.prepare(dir);
    expect(JSON.parse(readFileSync(join(dir, 'open-state.json'), 'utf8'))).toEqual({
      bootId: currentBootId(),
      clean: false,
    });
  });
});

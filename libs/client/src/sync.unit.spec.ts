import { MemoryCursorStorage } from './cursors';
import { ClientFrame } from './protocol';
import { Sequencer } from './sequencer';
import { chatMessage } from './testing/chat-message';
import { SyncCoordinator } from './sync';

const msg = chatMessage;

describe('SyncCoordinator', () => {
  let sent: ClientFrame[];
  let delivered: number[];
  let stuck: string[];
  let sync: SyncCoordinator;
  let online: boolean;
  beforeEach(() => {
    sent = [];
    delivered = [];
    stuck = [];
    online = true;
    const sequencer = new Sequencer(new MemoryCursorStorage());
    sync = new SyncCoordinator(
      sequencer,
      (f) => online && sent.push(f) > 0,
      (ms) => delivered.push(...ms.map((m) => m.seq)),
      (id) => stuck.push(id),
    );
  });

  it('syncAll sends one frame with every cursor and marks them syncing', () => {
    sync.onMessage(msg(1, 'a'));
    sync.syncAll(['a', 'b']);
    expect(sent).toEqual([{ type: 'sync', cursors: { a: 1, b: 0 } }]);
    expect(sync.isSyncing('a') && sync.isSyncing('b')).toBe(true);
  });

  it('a live message past a hole triggers one sync for that conversation only', () => {
    sync.onMessage(msg(1));
    sync.onMessage(msg(3));
    sync.onMessage(msg(4));
    expect(sent).toEqual([{ type: 'sync', cursors: { c1: 1 } }]);
    expect(delivered).toEqual([1]);
  });

  it('replay interleaved with live messages yields each seq once, in order', () => {
    sync.syncAll(['c1']);
    for (const s of [3, 1, 2, 3, 4, 2]) sync.onMessage(msg(s));
    sync.onSynced({ conversationId: 'c1', lastSeq: 4 });
    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(sync.isSyncing('c1')).toBe(false);
  });

  it('re-syncs when a gap survives a sync, and reports it after repeated fruitless tries', () => {
    sync.onMessage(msg(5));
    for (let i = 0; i < 3; i++) sync.onSynced({ conversationId: 'c1', lastSeq: 5 });
    expect(sent.filter((f) => f.type === 'sync')).toHaveLength(3);
    expect(stuck).toEqual(['c1']);
  });

  it('does not mark a conversation syncing when the frame could not be sent', () => {
    online = false;
    sync.syncAll(['c1']);
    expect(sync.isSyncing('c1')).toBe(false);
  });

  it('an error for a syncing conversation ends the wait; the next gap message syncs again', () => {
    sync.onMessage(msg(3));
    expect(sync.isSyncing('c1')).toBe(true);
    sync.onSyncError('c1');
    expect(sync.isSyncing('c1')).toBe(false);
    sync.onMessage(msg(4));
    expect(sent).toHaveLength(2);
  });
});

import { ChatMessage } from './protocol';
import { MemoryCursorStorage } from './cursors';
import { Sequencer } from './sequencer';
import { chatMessage } from './testing/chat-message';

const msg = chatMessage;
const seqs = (ms: ChatMessage[]) => ms.map((m) => m.seq);

describe('Sequencer (per-conversation cursor, dedup, gap buffering)', () => {
  let cursors: MemoryCursorStorage;
  let seq: Sequencer;
  beforeEach(() => {
    cursors = new MemoryCursorStorage();
    seq = new Sequencer(cursors);
  });

  it('delivers contiguous messages at once and advances the stored cursor', () => {
    expect(seqs(seq.accept(msg(1)).deliver)).toEqual([1]);
    expect(seqs(seq.accept(msg(2)).deliver)).toEqual([2]);
    expect(cursors.get('c1')).toBe(2);
  });

  it('drops duplicates at or below the cursor', () => {
    seq.accept(msg(1));
    seq.accept(msg(2));
    expect(seq.accept(msg(2))).toEqual({ deliver: [], gap: false });
    expect(seq.accept(msg(1)).deliver).toEqual([]);
  });

  it('holds a message past a hole, reports the gap, and releases it in order once filled', () => {
    seq.accept(msg(1));
    expect(seq.accept(msg(4))).toEqual({ deliver: [], gap: true });
    expect(seq.accept(msg(3))).toEqual({ deliver: [], gap: true });
    const filled = seq.accept(msg(2));
    expect(seqs(filled.deliver)).toEqual([2, 3, 4]);
    expect(filled.gap).toBe(false);
    expect(seq.cursor('c1')).toBe(4);
  });

  it('delivers a buffered message exactly once even if it is replayed while buffered', () => {
    seq.accept(msg(3));
    seq.accept(msg(3));
    const out = [
      ...seq.accept(msg(1)).deliver,
      ...seq.accept(msg(2)).deliver,
      ...seq.accept(msg(3)).deliver,
    ];
    expect(seqs(out)).toEqual([1, 2, 3]);
  });

  it('keeps conversations independent', () => {
    seq.accept(msg(1, 'a'));
    expect(seq.accept(msg(2, 'b')).gap).toBe(true);
    expect(seq.cursor('a')).toBe(1);
    expect(seq.cursor('b')).toBe(0);
  });

  it('initialize sets a start only for unknown conversations', () => {
    seq.initialize('c1', 10);
    seq.initialize('c1', 3);
    expect(seq.cursor('c1')).toBe(10);
    expect(seqs(seq.accept(msg(11)).deliver)).toEqual([11]);
  });

  it('resumes from a stored cursor (as after a page reload)', () => {
    cursors.set('c1', 5);
    const again = new Sequencer(cursors);
    expect(again.accept(msg(5)).deliver).toEqual([]);
    expect(seqs(again.accept(msg(6)).deliver)).toEqual([6]);
  });
});

import { Position, START } from '../../event-store/src/position';
import { padU64 } from '../../event-store/src/position';
import { LogSegment, LogTimeIndex } from './log-time-index';

/** The positions the segments cover, given the log's positions (1..n). */
function covered(segments: LogSegment[], positions: Position[]): Position[] {
  return positions.filter((p) =>
    segments.some((s) => p > s.after && (s.through === undefined || p <= s.through)),
  );
}

/** A small deterministic pseudo-random sequence. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('LogTimeIndex (time → stretches of the log)', () => {
  it('an empty index offers the whole log as one open segment', () => {
    const index = new LogTimeIndex();
    expect(index.segments(0, 10)).toEqual([{ after: START }]);
    expect(index.segments(0, 10, padU64(5))).toEqual([{ after: padU64(5) }]);
  });

  it('skips the blocks whose events are all outside the window and merges neighbours', () => {
    const index = new LogTimeIndex({ blockSize: 2 });
    for (let i = 1; i <= 10; i++) index.add(padU64(i), i * 1000); // blocks [1,2] [3,4] … [9,10]
    expect(index.blockCount).toBe(5);
    // 3500 ≤ t < 6500: events 4, 5, 6 → blocks [3,4] and [5,6], then the open tail
    expect(index.segments(3500, 6500)).toEqual([
      { after: padU64(2), through: padU64(6) },
      { after: padU64(10) },
    ]);
    // the last block meets the window: its segment stays open to the log's end
    expect(index.segments(9500, 20_000)).toEqual([{ after: padU64(8) }]);
    // from a cursor inside a block
    expect(index.segments(3500, 6500, padU64(5))).toEqual([
      { after: padU64(5), through: padU64(6) },
      { after: padU64(10) },
    ]);
    expect(index.segments(0, 1000)).toEqual([{ after: padU64(10) }]);
  });

  it('never skips an event in the window, however skewed the timestamps (exhaustive on a random log)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const next = random(seed);
      const index = new LogTimeIndex({ blockSize: 3, maxBlocks: 4 });
      const log: { position: Position; ms: number }[] = [];
      for (let i = 1; i <= 200; i++) {
        // mostly rising with skew of up to ±40, and a few unreadable timestamps
        const ms = next() < 0.03 ? NaN : i * 10 + Math.round((next() - 0.5) * 80);
        log.push({ position: padU64(i), ms });
        index.add(padU64(i), ms);
      }
      // appended after the index was built: only the open tail covers them
      const unindexed = [padU64(201), padU64(202)];
      const positions = [...log.map((e) => e.position), ...unindexed];
      for (let q = 0; q < 200; q++) {
        const from = Math.floor(next() * 2100);
        const to = from + Math.floor(next() * 400);
        const cursor = next() < 0.5 ? START : padU64(Math.floor(next() * 202));
        const segments = index.segments(from, to, cursor);
        const reachable = covered(segments, positions);
        const wanted = log.filter((e) => e.ms >= from && e.ms < to && e.position > cursor);
        for (const e of wanted) expect(reachable).toContain(e.position);
        for (const p of unindexed) if (p > cursor) expect(reachable).toContain(p);
        // segments are in log order and disjoint
        for (let i = 1; i < segments.length; i++)
          expect(segments[i].after >= (segments[i - 1].through as string)).toBe(true);
      }
    }
  });

  it('stays within maxBlocks by merging neighbours (the block size doubles)', () => {
    const index = new LogTimeIndex({ blockSize: 1, maxBlocks: 8 });
    for (let i = 1; i <= 1000; i++) index.add(padU64(i), i);
    expect(index.blockCount).toBeLessThanOrEqual(8);
    expect(index.size).toBe(1000);
    expect(index.indexedThrough).toBe(padU64(1000));
    // a narrow window reads a bounded part of the log, not all of it
    const segments = index.segments(500, 501);
    const reachable = covered(
      segments,
      Array.from({ length: 1000 }, (_, i) => padU64(i + 1)),
    );
    expect(reachable).toContain(padU64(500));
    expect(reachable.length).toBeLessThanOrEqual(2 * Math.ceil(1000 / 8));
  });

  it('refuses positions that do not increase', () => {
    const index = new LogTimeIndex();
    index.add(padU64(2), 0);
    expect(() => index.add(padU64(2), 0)).toThrow(RangeError);
    expect(() => new LogTimeIndex({ maxBlocks: 3 })).toThrow(RangeError);
  });
});

import { Position, START } from '../../event-store/src/position';

/**
 * A coarse, bounded index from time to the global log, built in the one pass that feeds the audit
 * tree: the log is cut into consecutive blocks of events, and each block keeps the range of its
 * events' `metadata.timestamp`s and the positions that bound it. A reader looking for the events
 * of a time window then reads only the blocks whose range meets the window, instead of the whole
 * log from START.
 *
 * Exact, however the timestamps are ordered: timestamps are command times from many processes
 * (clock skew, concurrent writers), so they are not monotone in position order; a block is
 * skipped only if none of its events can be in the window (its min and max say so). Events
 * appended after the index (not yet seen by its pass) are always offered as one open segment.
 *
 * Memory: at most `maxBlocks` blocks, whatever the log's size. When full, neighbouring blocks
 * are merged pairwise and the block size doubles, so blocks hold ~n / maxBlocks events each and
 * a window costs reading the events of the blocks it meets (O(events in the window + 2 blocks),
 * plus whatever clock skew mixes in).
 */

/** A stretch of the log to read: the events after `after` up to and including `through`. */
export interface LogSegment {
  /** Exclusive start (as readAll's `after`). */
  after: Position;
  /** Inclusive end; undefined: up to the log's end (events the index has not seen yet). */
  through?: Position;
}

interface Block {
  after: Position;
  last: Position;
  count: number;
  minMs: number;
  maxMs: number;
}

export interface LogTimeIndexOptions {
  /** Events per block to begin with. Default 1,024. */
  blockSize?: number;
  /** Blocks kept before neighbours are merged. Default 8,192 (an even number ≥ 2). */
  maxBlocks?: number;
}

export class LogTimeIndex {
  private blockSize: number;
  private readonly maxBlocks: number;
  private readonly blocks: Block[] = [];
  private lastPosition: Position = START;
  private events = 0;

  constructor(options: LogTimeIndexOptions = {}) {
    this.blockSize = options.blockSize ?? 1_024;
    this.maxBlocks = options.maxBlocks ?? 8_192;
    if (!Number.isInteger(this.blockSize) || this.blockSize < 1)
      throw new RangeError('blockSize must be a positive integer');
    if (!Number.isInteger(this.maxBlocks) || this.maxBlocks < 2 || this.maxBlocks % 2 !== 0)
      throw new RangeError('maxBlocks must be an even integer ≥ 2');
  }

  /** Events indexed so far. */
  get size(): number {
    return this.events;
  }

  /** The position of the last event indexed (START before the first). */
  get indexedThrough(): Position {
    return this.lastPosition;
  }

  /** Current number of blocks (for tests and metrics). */
  get blockCount(): number {
    return this.blocks.length;
  }

  /**
   * Adds the next event of the log (positions must increase). `timestampMs` NaN (an unreadable
   * timestamp) counts the event but widens no range: no window can contain it.
   */
  add(position: Position, timestampMs: number): void {
    if (position <= this.lastPosition)
      throw new RangeError(`positions must increase: ${position} after ${this.lastPosition}`);
    let block = this.blocks[this.blocks.length - 1];
    if (!block || block.count >= this.blockSize) {
      if (this.blocks.length >= this.maxBlocks) this.halve();
      block = {
        after: this.lastPosition,
        last: position,
        count: 0,
        minMs: Infinity,
        maxMs: -Infinity,
      };
      this.blocks.push(block);
    }
    block.count++;
    block.last = position;
    if (!Number.isNaN(timestampMs)) {
      if (timestampMs < block.minMs) block.minMs = timestampMs;
      if (timestampMs > block.maxMs) block.maxMs = timestampMs;
    }
    this.lastPosition = position;
    this.events++;
  }

  /**
   * The stretches of the log after `cursor` that may hold events with fromMs ≤ timestamp < toMs,
   * in log order, adjacent blocks merged, ending with the open segment of the events not yet
   * indexed. O(blocks).
   */
  segments(fromMs: number, toMs: number, cursor: Position = START): LogSegment[] {
    const out: LogSegment[] = [];
    for (const block of this.blocks) {
      if (block.last <= cursor) continue;
      if (block.maxMs < fromMs || block.minMs >= toMs) continue;
      const after = block.after > cursor ? block.after : cursor;
      const previous = out[out.length - 1];
      if (previous && previous.through === block.after) previous.through = block.last;
      else out.push({ after, through: block.last });
    }
    const tail = this.lastPosition > cursor ? this.lastPosition : cursor;
    const previous = out[out.length - 1];
    if (previous && previous.through === tail) previous.through = undefined;
    else out.push({ after: tail });
    return out;
  }

  /** Merges neighbouring blocks pairwise: half the blocks, twice the events per block. */
  private halve(): void {
    const merged: Block[] = [];
    for (let i = 0; i < this.blocks.length; i += 2) {
      const a = this.blocks[i];
      const b = this.blocks[i + 1];
      merged.push(
        b
          ? {
              after: a.after,
              last: b.last,
              count: a.count + b.count,
              minMs: Math.min(a.minMs, b.minMs),
              maxMs: Math.max(a.maxMs, b.maxMs),
            }
          : a,
      );
    }
    this.blocks.splice(0, this.blocks.length, ...merged);
    this.blockSize *= 2;
  }
}

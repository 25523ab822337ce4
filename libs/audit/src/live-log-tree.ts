import { Position, RecordedEvent, START } from '../../event-store/src/event-store.port';
import { eventLeafHash } from './event-leaf';
import { hashToHex } from './merkle-hash';
import { MerkleFrontier } from './merkle-tree';
import { Checkpoint, DEFAULT_ORIGIN, SignedCheckpoint } from './signed-checkpoint';
import { LogTimeIndex, LogTimeIndexOptions } from './log-time-index';

/**
 * The Merkle tree of docs/adr-audit-merkle.md over a log read in order, kept in memory as a
 * MerkleFrontier: leaf i is the i-th event appended (the i-th event of the global log when fed
 * from START), leaf data its hash. O(log n) memory for the tree (one hash per set bit of n),
 * amortised O(1) hashes per event; plus the bounded LogTimeIndex built in the same pass.
 *
 * `checkpoint` signs (size, root, time) and keeps the signature for that size: asking again
 * before the tree grows returns the very same signed checkpoint (same time), so a busy endpoint
 * signs at most once per size.
 */
export class LiveLogTree {
  private readonly frontier = MerkleFrontier.empty();
  readonly timeIndex: LogTimeIndex;
  private last: Position = START;
  private signed?: SignedCheckpoint;

  constructor(options: { timeIndex?: LogTimeIndexOptions } = {}) {
    this.timeIndex = new LogTimeIndex(options.timeIndex);
  }

  /** Leaves appended. */
  get size(): number {
    return this.frontier.size;
  }

  /** Position of the last event appended (START before the first). */
  get lastPosition(): Position {
    return this.last;
  }

  /** MTH of the leaves appended, 64 lowercase hex digits. */
  rootHex(): string {
    return hashToHex(this.frontier.root());
  }

  /**
   * Appends the next event of the log. An event at or before the last position is ignored
   * (false): a feed that repeats itself must not add a leaf twice. Throws (adding nothing) if
   * the event's hash is not 64 lowercase hex digits: such a log has no well-defined tree.
   */
  append(event: RecordedEvent): boolean {
    if (event.position <= this.last) return false;
    const leaf = eventLeafHash(event.metadata.hash);
    this.frontier.append(leaf);
    this.last = event.position;
    this.timeIndex.add(event.position, Date.parse(event.metadata.timestamp));
    return true;
  }

  /**
   * The signed checkpoint of the tree as it is now: signed once per size with `sign`, at
   * `now()`, for `origin` (a new origin signs again).
   */
  checkpoint(
    sign: (checkpoint: Checkpoint) => SignedCheckpoint,
    origin: string = DEFAULT_ORIGIN,
    now: () => Date = () => new Date(),
  ): SignedCheckpoint {
    const cached = this.signed;
    if (cached && cached.treeSize === this.size && cached.origin === origin) return cached;
    const signed = sign({
      origin,
      treeSize: this.size,
      rootHash: this.rootHex(),
      time: now().toISOString(),
    });
    this.signed = signed;
    return signed;
  }
}

import { ReadModelOp } from '../../../libs/domain/src';
import { ReadModelStore } from '../../../libs/read-models/src/read-model-store.port';

/** Byte order of UTF-8, which is the order LMDB (ordered-binary) lists a conversation's members in. */
const storeOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * The projector's copy of conversation members (not the gateway's GatewayMembershipCache), so a batch's snapshot does not query the read
 * models for every conversation it touches. Correct because the projector is the read models'
 * only writer: an entry is read from the store once, then moved forward with exactly the
 * membership ops the projector commits (`committed`, called only after the commit succeeded).
 * Bounded (least recently used out); `clear()` on a rebuild, which empties the store.
 * Lists are never mutated in place, so callers may keep them.
 */
export class ProjectorMemberCache {
  private readonly entries = new Map<string, readonly string[]>();

  constructor(
    private readonly readModels: Pick<ReadModelStore, 'getConversation'>,
    private readonly maxEntries = 20_000,
  ) {}

  /** Current members (as committed), from the cache or else the store. */
  async get(conversationId: string): Promise<readonly string[]> {
    const cached = this.entries.get(conversationId);
    if (cached) {
      // Re-insert: Map iteration order is insertion order, so the first key is the LRU one.
      this.entries.delete(conversationId);
      this.entries.set(conversationId, cached);
      return cached;
    }
    const members = (await this.readModels.getConversation(conversationId))?.members ?? [];
    this.remember(conversationId, members);
    return members;
  }

  /** Rolls cached entries forward with ops that are now committed (others stay uncached). */
  committed(ops: readonly ReadModelOp[]): void {
    for (const op of ops) {
      if (op.op !== 'addMembers' && op.op !== 'removeMembers') continue;
      const current = this.entries.get(op.conversationId);
      if (!current) continue;
      const next = new Set(current);
      for (const userId of op.userIds)
        if (op.op === 'addMembers') next.add(userId);
        else next.delete(userId);
      this.entries.set(op.conversationId, [...next].sort(storeOrder));
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(conversationId: string, members: readonly string[]): void {
    this.entries.set(conversationId, members);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

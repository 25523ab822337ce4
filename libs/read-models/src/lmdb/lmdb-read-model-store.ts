import {
  discardIfTornByReboot,
  markCleanlyClosed,
} from '../../../platform/src/storage/reboot-guard';
import { ReadModelOp, TimelineMessage } from '../../../domain/src';
import {
  ConversationView,
  InboxEntry,
  MessagePage,
  ReadModelStore,
  ReceiptView,
} from '../read-model-store.port';
import { NO_WATERMARKS, unreadCount } from '../watermarks';
import { applyOp } from './apply-op';
import { START } from '../../../event-store/src/position';
import { encodeLmdbPosition } from '../../../event-store/src/lmdb/stored-event';
import {
  CHECKPOINT_KEY,
  LmdbTables,
  lastSeqOf,
  newestMessage,
  READ_MODELS_FILE,
  openTables,
  secondKeysWithPrefix,
} from './lmdb-tables';

/**
 * Read models in one embedded LMDB environment (file `read-models.mdb` under `dir`).
 * `apply` writes all ops and the checkpoint in one synchronous write transaction (it blocks
 * its caller, the projector, for the microseconds a commit into a writable map takes, instead
 * of a round trip through lmdb-js's write thread): a crash loses both or neither, and because
 * every op is idempotent a replayed tail converges to the same state.
 * LMDB allows one writer and many readers across processes, so a command-api process can
 * query while a projector process writes.
 */
export class LmdbReadModelStore implements ReadModelStore {
  private constructor(private readonly tables: LmdbTables) {}

  static open(dir: string): LmdbReadModelStore {
    return new LmdbReadModelStore(openTables(dir));
  }

  /**
   * For the process that owns DATA_DIR, before anything opens the read models: discards them if
   * the machine rebooted while they were open (they are written without fsync), so that the
   * projector rebuilds them. Returns true when it did.
   */
  static prepare(dir: string): boolean {
    return discardIfTornByReboot(dir, READ_MODELS_FILE);
  }

  /** After the last writer closed: fsync the file and mark it cleanly closed. */
  static markClean(dir: string): void {
    markCleanlyClosed(dir, READ_MODELS_FILE);
  }

  async apply(ops: ReadModelOp[], checkpoint: string): Promise<void> {
    this.tables.root.transactionSync(() => {
      for (const op of ops) applyOp(this.tables, op);
      // The checkpoint never moves back, so a stale redelivered batch cannot rewind it.
      if (checkpoint > this.storedCheckpoint()) this.tables.meta.put(CHECKPOINT_KEY, checkpoint);
    });
  }

  async getCheckpoint(): Promise<string> {
    return this.storedCheckpoint();
  }

  /**
   * Data directories from before positions were opaque hold the LMDB log key as a number: it
   * reads as that log's position (the embedded read models only ever follow the LMDB log).
   */
  private storedCheckpoint(): string {
    const stored = this.tables.meta.get(CHECKPOINT_KEY);
    if (typeof stored === 'number') return stored === 0 ? START : encodeLmdbPosition(stored);
    return stored ?? START;
  }

  async getConversation(conversationId: string): Promise<ConversationView | undefined> {
    const row = this.tables.conversations.get(conversationId);
    if (!row) return undefined;
    return {
      ...row,
      members: this.membersOf(conversationId),
      lastSeq: lastSeqOf(this.tables, conversationId),
    };
  }

  async getMessages(conversationId: string, page: MessagePage): Promise<TimelineMessage[]> {
    if (page.limit <= 0) return [];
    const { messages } = this.tables;
    if (page.afterSeq !== undefined) {
      const range = messages.getRange({
        start: [conversationId, page.afterSeq],
        end: [conversationId, page.beforeSeq ?? Infinity],
        exclusiveStart: true,
        limit: page.limit,
      });
      return Array.from(range, ({ value }) => value);
    }
    // Only beforeSeq, or nothing: the newest `limit` (below beforeSeq), returned ascending.
    const newestFirst = messages.getRange({
      start: [conversationId, page.beforeSeq ?? Infinity],
      end: [conversationId, -Infinity],
      exclusiveStart: true,
      reverse: true,
      limit: page.limit,
    });
    return Array.from(newestFirst, ({ value }) => value).reverse();
  }

  /** The user's conversations, most recently active first (last message, else creation). */
  async getInbox(userId: string): Promise<InboxEntry[]> {
    const rows: { entry: InboxEntry; activity: string }[] = [];
    for (const conversationId of secondKeysWithPrefix(this.tables.inbox, userId)) {
      const row = this.inboxRow(userId, conversationId);
      if (row) rows.push(row);
    }
    rows.sort(
      (a, b) =>
        compare(b.activity, a.activity) || compare(a.entry.conversationId, b.entry.conversationId),
    );
    return rows.map((row) => row.entry);
  }

  async getReceipts(conversationId: string): Promise<ReceiptView[]> {
    const byUser = new Map<string, ReceiptView>();
    for (const userId of this.membersOf(conversationId))
      byUser.set(userId, { userId, ...NO_WATERMARKS });
    for (const { key, value } of this.tables.receipts.getRange({
      start: [conversationId, null as unknown as string],
    })) {
      if (key[0] !== conversationId) break;
      byUser.set(key[1], {
        userId: key[1],
        deliveredSeq: value.deliveredSeq,
        readSeq: value.readSeq,
      });
    }
    return [...byUser.values()].sort((a, b) => compare(a.userId, b.userId));
  }

  async getReceipt(conversationId: string, userId: string): Promise<ReceiptView> {
    const stored = this.tables.receipts.get([conversationId, userId]) ?? NO_WATERMARKS;
    return { userId, deliveredSeq: stored.deliveredSeq, readSeq: stored.readSeq };
  }

  async clear(): Promise<void> {
    const { meta, conversations, members, inbox, messages, receipts } = this.tables;
    // Checkpoint first: if a crash interrupts the wipe, the next start replays from START.
    for (const db of [meta, conversations, members, inbox, messages, receipts])
      await db.clearAsync();
  }

  /**
   * The next read sees everything committed so far, also by another thread or process (lmdb-js
   * otherwise reuses this thread's read snapshot until its next timer tick). Call it before
   * acting on news of a commit made elsewhere, e.g. a projector worker's published updates.
   */
  refreshSnapshot(): void {
    this.tables.root.resetReadTxn();
  }

  async close(): Promise<void> {
    await this.tables.root.close();
  }

  /** One inbox entry plus its activity time (last message, else creation) for sorting. */
  private inboxRow(
    userId: string,
    conversationId: string,
  ): { entry: InboxEntry; activity: string } | undefined {
    const row = this.tables.conversations.get(conversationId);
    if (!row) return undefined;
    const lastMessage = newestMessage(this.tables, conversationId);
    const lastSeq = lastMessage?.seq ?? 0;
    const { deliveredSeq, readSeq } =
      this.tables.receipts.get([conversationId, userId]) ?? NO_WATERMARKS;
    const entry: InboxEntry = {
      conversationId,
      kind: row.kind,
      ...(row.title !== undefined ? { title: row.title } : {}),
      members: this.membersOf(conversationId),
      lastSeq,
      ...(lastMessage ? { lastMessage } : {}),
      deliveredSeq,
      readSeq,
      unreadCount: unreadCount(lastSeq, readSeq),
    };
    return { entry, activity: lastMessage?.sentAt ?? row.createdAt };
  }

  private membersOf(conversationId: string): string[] {
    return [...secondKeysWithPrefix(this.tables.members, conversationId)];
  }
}

/** Code-unit order (not locale order), so results are stable across machines. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

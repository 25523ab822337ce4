import { ChatMessage, ClientFrame, Synced } from './protocol';
import { Sequencer } from './sequencer';

/** Syncs without progress tolerated before a still-open gap is reported instead of retried. */
const MAX_FRUITLESS_SYNCS = 3;

/**
 * Catch-up logic. After every (re)connect the client sends one `sync` with all cursors;
 * the server replays what each conversation missed and answers `synced`. A live message
 * that lands past a hole triggers a `sync` for that one conversation. Messages go through
 * the Sequencer either way, so replays and live pushes interleave without gap or
 * duplicate; messages past a hole wait in its buffer until the replay fills the hole.
 */
export class SyncCoordinator {
  private readonly syncing = new Set<string>();
  private readonly fruitless = new Map<string, number>();

  constructor(
    private readonly sequencer: Sequencer,
    private readonly send: (frame: ClientFrame) => boolean,
    private readonly deliver: (messages: ChatMessage[]) => void,
    private readonly onStuck: (conversationId: string) => void,
  ) {}

  isSyncing(conversationId: string): boolean {
    return this.syncing.has(conversationId);
  }

  /** Full catch-up: every known conversation in one frame. */
  syncAll(conversationIds: Iterable<string>): void {
    const cursors: Record<string, number> = {};
    for (const id of conversationIds) cursors[id] = this.sequencer.cursor(id);
    if (Object.keys(cursors).length === 0) return;
    if (this.send({ type: 'sync', cursors }))
      for (const id of Object.keys(cursors)) this.syncing.add(id);
  }

  onMessage(message: ChatMessage): void {
    const { deliver, gap } = this.sequencer.accept(message);
    if (deliver.length > 0) {
      this.fruitless.delete(message.conversationId);
      this.deliver(deliver);
    }
    if (gap && !this.syncing.has(message.conversationId)) this.syncOne(message.conversationId);
  }

  onSynced(synced: Synced): void {
    const id = synced.conversationId;
    this.syncing.delete(id);
    if (!this.sequencer.hasGap(id)) {
      this.fruitless.delete(id);
      return;
    }
    const tries = (this.fruitless.get(id) ?? 0) + 1;
    this.fruitless.set(id, tries);
    if (tries < MAX_FRUITLESS_SYNCS) this.syncOne(id);
    else this.onStuck(id);
  }

  /**
   * The server refused or aborted a sync of this conversation (error frame whose ref is the
   * conversation id): stop waiting for its `synced`; a still-open gap re-syncs on the next
   * live message.
   */
  onSyncError(conversationId: string): void {
    this.syncing.delete(conversationId);
  }

  /** The socket is gone: whatever was in flight will be re-requested by the next syncAll. */
  reset(): void {
    this.syncing.clear();
  }

  private syncOne(conversationId: string): void {
    const cursors = { [conversationId]: this.sequencer.cursor(conversationId) };
    if (this.send({ type: 'sync', cursors })) this.syncing.add(conversationId);
  }
}

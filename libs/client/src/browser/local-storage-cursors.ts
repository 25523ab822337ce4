import { CursorStorage } from '../cursors';

/**
 * Cursors kept in localStorage under one key per user, so a reloaded page resumes each
 * conversation where it stopped. Falls back to memory when storage is unavailable
 * (private mode, quota): the client then just syncs a little more.
 */
export class LocalStorageCursors implements CursorStorage {
  private readonly cache: Record<string, number>;
  private readonly key: string;

  constructor(
    userId: string,
    private readonly storage: Storage | undefined = globalThis.localStorage,
  ) {
    this.key = `eventchat.cursors.${userId}`;
    this.cache = this.load();
  }

  get(conversationId: string): number | undefined {
    return this.cache[conversationId];
  }

  set(conversationId: string, seq: number): void {
    this.cache[conversationId] = seq;
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.cache));
    } catch {
      /* quota or disabled storage: the in-memory copy still serves this page */
    }
  }

  entries(): Record<string, number> {
    return { ...this.cache };
  }

  private load(): Record<string, number> {
    try {
      const raw = this.storage?.getItem(this.key);
      const parsed = raw ? JSON.parse(raw) : {};
      return parsed && typeof parsed === 'object' ? parsed : {};
    } catch {
      return {};
    }
  }
}

/**
 * Where the client remembers, per conversation, the last contiguous seq it has handed to
 * the application. Synchronous so the hot path never awaits; a browser adapter backed by
 * localStorage lives in ./browser.
 */
export interface CursorStorage {
  get(conversationId: string): number | undefined;
  set(conversationId: string, seq: number): void;
  /** Every stored cursor, for the `sync` frame after a reconnect. */
  entries(): Record<string, number>;
}

export class MemoryCursorStorage implements CursorStorage {
  private readonly cursors = new Map<string, number>();

  get(conversationId: string): number | undefined {
    return this.cursors.get(conversationId);
  }

  set(conversationId: string, seq: number): void {
    this.cursors.set(conversationId, seq);
  }

  entries(): Record<string, number> {
    return Object.fromEntries(this.cursors);
  }
}

import { CursorStorage } from './cursors';
import { ChatMessage } from './protocol';

export interface AcceptResult {
  /** Messages now safe to hand to the application, in seq order, each exactly once. */
  deliver: ChatMessage[];
  /** True when a message arrived past a hole (seq > cursor + 1) that is still open. */
  gap: boolean;
}

/**
 * Turns an at-least-once, possibly gappy stream of messages (live pushes interleaved with
 * sync replays) into an exactly-once, gap-free, ordered stream per conversation.
 * Guarantee: a message is delivered only when every lower seq has been delivered; a seq
 * at or below the cursor is a duplicate and dropped; a message past a hole waits in a
 * buffer until the hole is filled.
 */
export class Sequencer {
  private readonly pending = new Map<string, Map<number, ChatMessage>>();

  constructor(private readonly cursors: CursorStorage) {}

  cursor(conversationId: string): number {
    return this.cursors.get(conversationId) ?? 0;
  }

  /** Sets the starting point for a conversation the client has never seen (no-op otherwise). */
  initialize(conversationId: string, seq: number): void {
    if (this.cursors.get(conversationId) === undefined) this.cursors.set(conversationId, seq);
  }

  accept(message: ChatMessage): AcceptResult {
    const id = message.conversationId;
    if (message.seq <= this.cursor(id)) return { deliver: [], gap: this.hasGap(id) };
    let buffer = this.pending.get(id);
    if (!buffer) this.pending.set(id, (buffer = new Map()));
    buffer.set(message.seq, message);
    const deliver = this.drain(id, buffer);
    return { deliver, gap: this.hasGap(id) };
  }

  /** True when buffered messages wait for a lower seq that has not arrived. */
  hasGap(conversationId: string): boolean {
    return (this.pending.get(conversationId)?.size ?? 0) > 0;
  }

  private drain(id: string, buffer: Map<number, ChatMessage>): ChatMessage[] {
    const out: ChatMessage[] = [];
    let next = this.cursor(id) + 1;
    for (let m = buffer.get(next); m; m = buffer.get(next)) {
      out.push(m);
      buffer.delete(next);
      next++;
    }
    if (out.length > 0) this.cursors.set(id, next - 1);
    if (buffer.size === 0) this.pending.delete(id);
    return out;
  }
}

import { Ack, Attachment, ClientFrame, ServerError } from './protocol';

export interface OutgoingMessage {
  conversationId: string;
  clientMessageId: string;
  body: string;
  attachments?: Attachment[];
}

interface Entry {
  message: OutgoingMessage;
  resolve: (ack: Ack) => void;
  reject: (err: ServerError) => void;
}

/**
 * Messages that have no ack yet, in the order they were written. Each gets its
 * clientMessageId at once, and keeps it across every resend: the server maps the same
 * (sender, clientMessageId) to the same messageId and seq, so a resend after a lost ack
 * or a reconnect yields exactly one message.
 */
export class Outbox {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  pending(): OutgoingMessage[] {
    return [...this.entries.values()].map((e) => e.message);
  }

  /** The pending message with this clientMessageId, if any. */
  get(clientMessageId: string): OutgoingMessage | undefined {
    return this.entries.get(clientMessageId)?.message;
  }

  /** Queues a message; the promise resolves with the server's ack. */
  add(message: OutgoingMessage): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      this.entries.set(message.clientMessageId, { message, resolve, reject });
    });
  }

  /** Sends every pending message in order through `send`; stops at the first that fails. */
  flush(send: (frame: ClientFrame) => boolean): void {
    for (const { message } of this.entries.values()) {
      if (!send(this.frame(message))) return;
    }
  }

  frame(message: OutgoingMessage): ClientFrame {
    return { type: 'send', ...message };
  }

  /** Resolves and forgets the matching entry; unknown ids (already acked) are ignored. */
  ack(ack: Ack): boolean {
    const entry = this.entries.get(ack.clientMessageId);
    if (!entry) return false;
    this.entries.delete(ack.clientMessageId);
    entry.resolve(ack);
    return true;
  }

  /** Rejects the entry the server refused (error frame with ref = clientMessageId). */
  fail(error: ServerError): boolean {
    const entry = error.ref ? this.entries.get(error.ref) : undefined;
    if (!entry) return false;
    this.entries.delete(error.ref!);
    entry.reject(error);
    return true;
  }
}

/** A random v4-style id; crypto.randomUUID where available (browsers, Node ≥ 19). */
export function newClientMessageId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (ch) => {
    const r = (Math.random() * 16) | 0;
    return (ch === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

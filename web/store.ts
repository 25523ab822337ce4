import type { ChatMessage, InboxEntry, Receipt } from '../libs/client/src';

/**
 * A message written here and not acknowledged yet. It is queued (offline, or paced to the
 * server's limits, or waiting out a rate limit: the SDK resends it by itself) until its ack
 * or its live copy arrives; `failed` only when the server refused it for good.
 */
export interface PendingMessage {
  clientMessageId: string;
  body: string;
  sentAt: string;
  failed?: string;
}

export interface ConversationView {
  entry: InboxEntry;
  /** Loaded messages by seq (live ones plus the pages fetched over HTTP). */
  messages: Map<number, ChatMessage>;
  pending: PendingMessage[];
  receipts: Map<string, Receipt>;
  hasOlder: boolean;
  loaded: boolean;
  typing: Map<string, number>;
}

export type Tick = 'queued' | 'failed' | 'sent' | 'delivered' | 'read';

/** Page state; the view is re-rendered from it. */
export class Store {
  readonly conversations = new Map<string, ConversationView>();
  readonly online = new Map<string, boolean>();
  activeId: string | undefined;

  constructor(readonly me: string) {}

  upsertEntry(entry: InboxEntry): ConversationView {
    const existing = this.conversations.get(entry.conversationId);
    if (existing) {
      // The inbox may lag the live stream: never move lastSeq/readSeq backwards.
      const fresher =
        entry.lastSeq >= existing.entry.lastSeq
          ? entry
          : { ...existing.entry, members: entry.members, title: entry.title };
      existing.entry = { ...fresher, readSeq: Math.max(entry.readSeq, existing.entry.readSeq) };
      if (existing.entry.readSeq >= existing.entry.lastSeq) existing.entry.unreadCount = 0;
      return existing;
    }
    const view: ConversationView = {
      entry,
      messages: new Map(),
      pending: [],
      receipts: new Map(),
      hasOlder: true,
      loaded: false,
      typing: new Map(),
    };
    this.conversations.set(entry.conversationId, view);
    return view;
  }

  /** Adds a message; returns false if the conversation is unknown (caller refreshes the inbox). */
  addMessage(m: ChatMessage, live: boolean): boolean {
    const view = this.conversations.get(m.conversationId);
    if (!view) return false;
    const isNew = !view.messages.has(m.seq) && m.seq > view.entry.readSeq;
    if (live && isNew && m.senderId !== this.me) view.entry.unreadCount++;
    view.messages.set(m.seq, m);
    view.pending = view.pending.filter((p) => p.clientMessageId !== m.clientMessageId);
    if (m.seq >= view.entry.lastSeq) view.entry = { ...view.entry, lastSeq: m.seq, lastMessage: m };
    return true;
  }

  markReadLocally(id: string, upToSeq: number): void {
    const view = this.conversations.get(id);
    if (!view || upToSeq <= view.entry.readSeq) return;
    view.entry = { ...view.entry, readSeq: upToSeq, unreadCount: 0 };
  }

  /** ✓ once stored, ✓✓ when every other member has it, blue ✓✓ when every other member read it. */
  tick(view: ConversationView, seq: number): Tick {
    const others = view.entry.members.filter((u) => u !== this.me);
    if (others.length === 0) return 'sent';
    const all = (f: (r: Receipt | undefined) => boolean) =>
      others.every((u) => f(view.receipts.get(u)));
    if (all((r) => (r?.readSeq ?? 0) >= seq)) return 'read';
    if (all((r) => Math.max(r?.deliveredSeq ?? 0, r?.readSeq ?? 0) >= seq)) return 'delivered';
    return 'sent';
  }

  title(view: ConversationView): string {
    if (view.entry.title) return view.entry.title;
    const others = view.entry.members.filter((u) => u !== this.me);
    return others.join(', ') || this.me;
  }

  /** Direct chats show the peer's presence; groups show whether anyone else is online. */
  isOnline(view: ConversationView): boolean {
    return view.entry.members.some((u) => u !== this.me && this.online.get(u));
  }

  sorted(): ConversationView[] {
    const at = (v: ConversationView) => v.entry.lastMessage?.sentAt ?? '';
    return [...this.conversations.values()].sort((a, b) => at(b).localeCompare(at(a)));
  }
}

import { ChatMessage, ConversationKind, InboxEntry, Receipt } from './protocol';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** An HTTP refusal from the server: `{error: {code, message}}` with its status. */
export class ChatApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChatApiError';
  }
}

export interface HistoryQuery {
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

/** Thin JSON-over-HTTP helpers for the public API; `token` is read on every call. */
export class HttpApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string | Promise<string>,
    private readonly fetchImpl: FetchLike = defaultFetch(),
  ) {}

  static async devToken(
    baseUrl: string,
    userId: string,
    fetchImpl: FetchLike = defaultFetch(),
  ): Promise<string> {
    const res = await request<{ token: string }>(fetchImpl, `${trim(baseUrl)}/v1/auth/dev-token`, {
      method: 'POST',
      body: JSON.stringify({ userId }),
    });
    return res.token;
  }

  createConversation(input: {
    kind: ConversationKind;
    members: string[];
    title?: string;
  }): Promise<{ conversationId: string }> {
    return this.call('POST', '/v1/conversations', input);
  }

  addMembers(
    conversationId: string,
    change: { add?: string[]; remove?: string[] },
  ): Promise<unknown> {
    return this.call(
      'POST',
      `/v1/conversations/${encodeURIComponent(conversationId)}/members`,
      change,
    );
  }

  async inbox(): Promise<InboxEntry[]> {
    const res = await this.call<InboxEntry[] | { conversations: InboxEntry[] }>(
      'GET',
      '/v1/me/conversations',
    );
    return Array.isArray(res) ? res : res.conversations;
  }

  /** Messages in ascending seq order. */
  async history(conversationId: string, query: HistoryQuery = {}): Promise<ChatMessage[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString() ? `?${params}` : '';
    const res = await this.call<{ messages: ChatMessage[] }>(
      'GET',
      `/v1/conversations/${encodeURIComponent(conversationId)}/messages${qs}`,
    );
    return res.messages.map((m) => ({ ...m, conversationId: m.conversationId ?? conversationId }));
  }

  async receipts(conversationId: string): Promise<Receipt[]> {
    const res = await this.call<{ receipts: Omit<Receipt, 'conversationId'>[] }>(
      'GET',
      `/v1/conversations/${encodeURIComponent(conversationId)}/receipts`,
    );
    return res.receipts.map((r) => ({ ...r, conversationId }));
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.token();
    return request<T>(this.fetchImpl, `${trim(this.baseUrl)}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

async function request<T>(fetchImpl: FetchLike, url: string, init: RequestInit): Promise<T> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetchImpl(url, { ...init, headers });
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ChatApiError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? res.statusText,
    );
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}

function defaultFetch(): FetchLike {
  return (url, init) => globalThis.fetch(url, init);
}

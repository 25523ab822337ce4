import WebSocket from 'ws';
import { ChatClient, ChatClientOptions } from '../chat-client';
import { WebSocketCtor } from '../connection';
import { ChatMessage, Receipt } from '../protocol';

/** Polls `check` until it returns a truthy value (returned) or the deadline passes. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface TestClient {
  client: ChatClient;
  messages: ChatMessage[];
  receipts: Receipt[];
  states: string[];
}

/** A connected SDK client for `userId` against a started server, recording what it hears. */
export async function connectClient(
  server: { baseUrl: string; wsUrl: string },
  userId: string,
  extra: Partial<ChatClientOptions> & { WebSocket?: WebSocketCtor } = {},
): Promise<TestClient> {
  const t = await makeClient(server, userId, extra);
  await t.client.connect();
  return t;
}

export async function makeClient(
  server: { baseUrl: string; wsUrl: string },
  userId: string,
  extra: Partial<ChatClientOptions> = {},
): Promise<TestClient> {
  const token = await ChatClient.devToken(server.baseUrl, userId);
  const client = new ChatClient({
    baseUrl: server.baseUrl,
    wsUrl: server.wsUrl,
    token,
    userId,
    WebSocket: WebSocket as unknown as WebSocketCtor,
    backoff: { baseMs: 50, maxMs: 500 },
    deliveredDelayMs: 10,
    ...extra,
  });
  const t: TestClient = { client, messages: [], receipts: [], states: [] };
  client.on('message', (m) => t.messages.push(m));
  client.on('receipt', (r) => t.receipts.push(r));
  client.on('state', (s) => t.states.push(s));
  return t;
}

export const bodies = (ms: ChatMessage[], conversationId?: string) =>
  ms.filter((m) => !conversationId || m.conversationId === conversationId).map((m) => m.body);

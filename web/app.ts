import { ChatClient, ChatMessage, InboxEntry } from '../libs/client/src';
import { LocalStorageCursors } from '../libs/client/src/browser/local-storage-cursors';
import { $ } from './dom';
import { renderHeader, renderList, renderMessages, renderTyping } from './render';
import { ConversationView, PendingMessage, Store } from './store';

const PAGE = 30;
const TYPING_SHOWN_MS = 3_000;
const baseUrl = location.origin;
let client: ChatClient;
let store: Store;

async function signIn(userId: string): Promise<void> {
  const token = await ChatClient.devToken(baseUrl, userId);
  store = new Store(userId);
  client = new ChatClient({
    baseUrl,
    token,
    userId,
    cursors: new LocalStorageCursors(userId),
    startAt: 'latest',
  });
  wireClient();
  $('me-name').textContent = userId;
  $('login').hidden = true;
  $('app').hidden = false;
  history.replaceState(null, '', `?user=${encodeURIComponent(userId)}`);
  await client.connect();
}

function wireClient(): void {
  client.on('state', (s) => {
    $('conn-state').textContent = s === 'open' ? 'online' : s;
    $('me-dot').className = `dot${s === 'open' ? ' online' : ''}`;
  });
  client.on('inbox', (entries) => applyInbox(entries));
  client.on('message', (m) => onMessage(m));
  client.on('conversation', () => void refreshInbox());
  client.on('receipt', (r) => {
    const view = store.conversations.get(r.conversationId);
    if (!view) return;
    view.receipts.set(r.userId, r);
    if (r.userId === store.me) store.markReadLocally(r.conversationId, r.readSeq);
    if (r.conversationId === store.activeId) renderMessages(store, view);
    renderList(store, open);
  });
  client.on('presence', (p) => {
    store.online.set(p.userId, p.online);
    renderList(store, open);
    const view = active();
    if (view) renderHeader(store, view);
  });
  client.on('typing', (t) => {
    const view = store.conversations.get(t.conversationId);
    if (!view || t.userId === store.me) return;
    view.typing.set(t.userId, Date.now() + TYPING_SHOWN_MS);
    if (view === active()) renderTyping(view);
    setTimeout(() => view === active() && renderTyping(view), TYPING_SHOWN_MS + 50);
  });
}

function applyInbox(entries: InboxEntry[]): void {
  for (const e of entries) store.upsertEntry(e);
  renderList(store, open);
}

async function refreshInbox(): Promise<void> {
  applyInbox(await client.inbox());
}

function onMessage(m: ChatMessage): void {
  if (!store.conversations.has(m.conversationId)) {
    // Pushed before our inbox knew the chat: a placeholder now, details from the inbox later.
    const members = [...new Set([store.me, m.senderId])];
    store.upsertEntry({
      conversationId: m.conversationId,
      kind: 'group',
      members,
      lastSeq: 0,
      deliveredSeq: 0,
      readSeq: 0,
      unreadCount: 0,
    });
    void refreshInbox();
  }
  store.addMessage(m, true);
  const view = store.conversations.get(m.conversationId)!;
  view.typing.delete(m.senderId);
  if (view === active()) {
    renderMessages(store, view);
    renderTyping(view);
    readVisible(view);
  }
  renderList(store, open);
}

function active(): ConversationView | undefined {
  return store.activeId ? store.conversations.get(store.activeId) : undefined;
}

/** Marks everything loaded as read while the page is visible and the chat is open. */
function readVisible(view: ConversationView): void {
  if (document.visibilityState !== 'visible') return;
  const top = Math.max(0, ...view.messages.keys());
  if (top > view.entry.readSeq) {
    client.markRead(view.entry.conversationId, top);
    store.markReadLocally(view.entry.conversationId, top);
  }
}

async function open(id: string): Promise<void> {
  const view = store.conversations.get(id);
  if (!view) return;
  store.activeId = id;
  $('empty').hidden = true;
  $('chat-pane').hidden = false;
  renderHeader(store, view);
  renderMessages(store, view, 'bottom');
  renderList(store, open);
  if (!view.loaded) await loadLatest(view);
  readVisible(view);
  renderList(store, open);
  ($('composer-input') as HTMLInputElement).focus();
}

async function loadLatest(view: ConversationView): Promise<void> {
  const id = view.entry.conversationId;
  const upTo = Math.max(view.entry.lastSeq, client.cursor(id));
  view.loaded = true;
  // A chat created a moment ago has nothing to load (and the read model may not know it yet).
  if (upTo === 0) return void (view.hasOlder = false);
  const [page, receipts] = await Promise.all([
    client.history(id, { beforeSeq: upTo + 1, limit: PAGE }),
    client.receipts(id),
  ]);
  for (const m of page) store.addMessage(m, false);
  for (const r of receipts) view.receipts.set(r.userId, r);
  view.hasOlder = (page[0]?.seq ?? 1) > 1;
  if (view === active()) renderMessages(store, view, 'bottom');
}

let loadingOlder = false;
async function loadOlder(): Promise<void> {
  const view = active();
  if (!view || !view.hasOlder || loadingOlder || view.messages.size === 0) return;
  loadingOlder = true;
  try {
    const oldest = Math.min(...view.messages.keys());
    const page = await client.history(view.entry.conversationId, {
      beforeSeq: oldest,
      limit: PAGE,
    });
    for (const m of page) store.addMessage(m, false);
    view.hasOlder = page.length > 0 && page[0].seq > 1;
    if (view === active()) renderMessages(store, view, 'anchor');
  } finally {
    loadingOlder = false;
  }
}

function sendCurrent(): void {
  const input = $('composer-input') as HTMLInputElement;
  const view = active();
  const body = input.value.trim();
  if (!view || !body) return;
  input.value = '';
  const sending = client.send(view.entry.conversationId, body);
  const pending: PendingMessage = {
    clientMessageId: sending.clientMessageId,
    body,
    sentAt: new Date().toISOString(),
  };
  view.pending.push(pending);
  renderMessages(store, view, 'bottom');
  // Offline or rate limited, the SDK keeps the message and sends it later (shown as queued);
  // the promise rejects only when the server refused the message itself.
  sending.catch((err: { message?: string }) => {
    pending.failed = err.message ?? String(err);
    if (view === active()) renderMessages(store, view);
  });
}

async function startChat(): Promise<void> {
  const members = ($('new-members') as HTMLInputElement).value.split(/[\s,]+/).filter(Boolean);
  const title = ($('new-title') as HTMLInputElement).value.trim() || undefined;
  if (members.length === 0) return;
  const kind = members.length === 1 && !title ? 'direct' : 'group';
  const all = [store.me, ...members];
  const { conversationId } = await client.createConversation({ kind, members: all, title });
  ($('new-form') as HTMLFormElement).reset();
  // The inbox read model is eventually consistent: show the new chat now, refresh later.
  store.upsertEntry({
    conversationId,
    kind,
    title,
    members: all,
    lastSeq: 0,
    lastMessage: undefined,
    deliveredSeq: 0,
    readSeq: 0,
    unreadCount: 0,
  });
  await open(conversationId);
  setTimeout(() => void refreshInbox(), 500);
}

function bindUi(): void {
  const submit = (id: string, fn: () => unknown) =>
    $(id).addEventListener('submit', (e) => {
      e.preventDefault();
      Promise.resolve(fn()).catch((err) => alert(err.message ?? String(err)));
    });
  submit('login-form', () =>
    signIn(($('user-input') as HTMLInputElement).value.trim()).catch((err) => {
      $('login-error').textContent = err.message ?? String(err);
    }),
  );
  submit('new-form', startChat);
  submit('composer', sendCurrent);
  $('composer-input').addEventListener(
    'input',
    () => store?.activeId && client.typing(store.activeId),
  );
  $('messages').addEventListener('scroll', () => $('messages').scrollTop < 60 && void loadOlder());
  document.addEventListener('visibilitychange', () => {
    const view = active();
    if (view) readVisible(view);
  });
}

bindUi();
const preset = new URLSearchParams(location.search).get('user');
if (preset) void signIn(preset);

import { $, h, time } from './dom';
import { ConversationView, Store, Tick } from './store';

const TICKS: Record<Tick, string> = {
  queued: '🕓 queued',
  failed: '⚠ not sent',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
};
const TITLES: Record<Tick, string> = {
  queued: 'queued: goes out by itself (offline, or pacing to the server’s limits)',
  failed: 'not sent: the server refused it',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
};

export function renderList(store: Store, open: (id: string) => void): void {
  const list = $('conv-list');
  list.replaceChildren(
    ...store.sorted().map((view) => {
      const id = view.entry.conversationId;
      const last = view.entry.lastMessage;
      const unread = id === store.activeId ? 0 : view.entry.unreadCount;
      const li = h(
        'li',
        { class: `conv${id === store.activeId ? ' active' : ''}`, 'data-id': id },
        h('span', { class: `dot${store.isOnline(view) ? ' online' : ''}` }),
        h('span', { class: 'name' }, store.title(view)),
        unread > 0 ? h('span', { class: 'badge' }, String(unread)) : h('span'),
        h(
          'span',
          { class: 'preview' },
          last
            ? `${last.senderId === store.me ? 'You' : last.senderId}: ${last.body}`
            : 'No messages yet',
        ),
      );
      li.addEventListener('click', () => open(id));
      return li;
    }),
  );
}

export function renderHeader(store: Store, view: ConversationView): void {
  $('chat-title').textContent = store.title(view);
  $('chat-members').replaceChildren(
    ...view.entry.members.map((u) =>
      h(
        'span',
        {},
        h('span', { class: `dot${u === store.me || store.online.get(u) ? ' online' : ''}` }),
        u === store.me ? `${u} (you)` : u,
      ),
    ),
  );
  renderTyping(view);
}

export function renderTyping(view: ConversationView): void {
  const now = Date.now();
  const who = [...view.typing].filter(([, until]) => until > now).map(([u]) => u);
  $('typing').textContent =
    who.length === 0 ? '' : `${who.join(', ')} ${who.length === 1 ? 'is' : 'are'} typing…`;
}

/** Re-renders the message list; keeps the view pinned to the bottom if it was there. */
export function renderMessages(
  store: Store,
  view: ConversationView,
  keep?: 'bottom' | 'anchor',
): void {
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const fromBottom = box.scrollHeight - box.scrollTop;
  const group = view.entry.kind === 'group';
  const items = [...view.messages.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((m, i, all) => {
      const mine = m.senderId === store.me;
      const firstOfRun = i === 0 || all[i - 1].senderId !== m.senderId; // name once per run
      return bubble(
        mine,
        group && !mine && firstOfRun ? m.senderId : undefined,
        m.body,
        time(m.sentAt),
        mine ? store.tick(view, m.seq) : undefined,
        String(m.seq),
      );
    });
  const pending = view.pending.map((p) =>
    bubble(true, undefined, p.body, time(p.sentAt), p.failed ? 'failed' : 'queued', undefined),
  );
  const note = h(
    'div',
    { class: 'history-note' },
    view.hasOlder ? 'Scroll up for older messages' : 'Beginning of the conversation',
  );
  box.replaceChildren(note, ...items, ...pending);
  if (keep === 'anchor') box.scrollTop = box.scrollHeight - fromBottom;
  else if (keep === 'bottom' || atBottom) box.scrollTop = box.scrollHeight;
}

function bubble(
  mine: boolean,
  sender: string | undefined,
  body: string,
  at: string,
  tick: Tick | undefined,
  seq: string | undefined,
) {
  const unsent = tick === 'queued' || tick === 'failed';
  const cls = `msg${mine ? ' mine' : ''}${unsent ? ` pending ${tick}` : ''}`;
  return h(
    'div',
    { class: cls, 'data-seq': seq },
    sender ? h('div', { class: 'sender' }, sender) : null,
    h('div', { class: 'body' }, body),
    h(
      'div',
      { class: 'meta' },
      at,
      tick ? h('span', { class: `ticks ${tick}`, title: TITLES[tick] }, TICKS[tick]) : null,
    ),
  );
}

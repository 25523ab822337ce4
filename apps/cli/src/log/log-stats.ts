import { RecordedEvent } from '../../../../libs/event-store/src/event-store.port';
import { conversationOf } from './export-row';

/**
 * What `chat events stats` counts in its one pass: events by type, by UTC day (of
 * metadata.timestamp) and by conversation (events and messages). Pure.
 *
 * Memory: by type and by day are small; by conversation is one entry per conversation seen
 * (about 100 bytes each), which the top-N needs to be exact.
 */
export interface StatsReport {
  events: number;
  firstTime: string | null;
  lastTime: string | null;
  firstPosition: string | null;
  lastPosition: string | null;
  conversations: number;
  actors: number;
  byType: { type: string; events: number }[];
  byDay: { day: string; events: number; messages: number }[];
  topConversations: { conversation: string; events: number; messages: number }[];
}

interface Counts {
  events: number;
  messages: number;
}

export class LogStats {
  private events = 0;
  private firstTime: string | null = null;
  private lastTime: string | null = null;
  private firstPosition: string | null = null;
  private lastPosition: string | null = null;
  private readonly types = new Map<string, number>();
  private readonly days = new Map<string, Counts>();
  private readonly conversations = new Map<string, Counts>();
  private readonly actors = new Set<string>();

  add(event: RecordedEvent): void {
    this.events++;
    const time = event.metadata.timestamp;
    if (this.firstTime === null || time < this.firstTime) this.firstTime = time;
    if (this.lastTime === null || time > this.lastTime) this.lastTime = time;
    this.firstPosition ??= event.position;
    this.lastPosition = event.position;
    this.types.set(event.type, (this.types.get(event.type) ?? 0) + 1);
    const isMessage = event.type === 'MessageSent' ? 1 : 0;
    bump(this.days, dayOf(time), isMessage);
    const conversation = conversationOf(event);
    if (conversation !== null) bump(this.conversations, conversation, isMessage);
    this.actors.add(event.metadata.actor);
  }

  report(top = 10): StatsReport {
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return {
      events: this.events,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      firstPosition: this.firstPosition,
      lastPosition: this.lastPosition,
      conversations: this.conversations.size,
      actors: this.actors.size,
      byType: [...this.types.entries()]
        .map(([type, events]) => ({ type, events }))
        .sort((a, b) => b.events - a.events || byName(a.type, b.type)),
      byDay: [...this.days.entries()]
        .map(([day, c]) => ({ day, events: c.events, messages: c.messages }))
        .sort((a, b) => byName(a.day, b.day)),
      topConversations: [...this.conversations.entries()]
        .map(([conversation, c]) => ({ conversation, events: c.events, messages: c.messages }))
        .sort(
          (a, b) =>
            b.events - a.events ||
            b.messages - a.messages ||
            byName(a.conversation, b.conversation),
        )
        .slice(0, top),
    };
  }
}

/** The UTC day (YYYY-MM-DD) of an ISO time; 'unknown' when it is not one. */
export function dayOf(isoTime: string): string {
  if (UTC_ISO.test(isoTime)) return isoTime.slice(0, 10);
  const ms = Date.parse(isoTime);
  return Number.isNaN(ms) ? 'unknown' : new Date(ms).toISOString().slice(0, 10);
}

const UTC_ISO = /^\d{4}-\d{2}-\d{2}T[^+]*Z$/;

function bump(map: Map<string, Counts>, key: string, messages: number): void {
  const counts = map.get(key);
  if (counts) {
    counts.events++;
    counts.messages += messages;
  } else map.set(key, { events: 1, messages });
}

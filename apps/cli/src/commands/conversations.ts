import { conversationStreamId } from '../../../../libs/domain/src/conversation/events';
import { CliError, UsageError } from '../cli-error';
import { parseTime } from '../log/event-query';
import { ConversationAt, ConversationTimeTravel, Moment } from '../log/time-travel';
import { renderTable } from '../output/table';
import { CommonOptions, io, json, withStore } from './context';

export interface AtOptions extends CommonOptions {
  time?: string;
  position?: string;
  json?: boolean;
  last?: number;
}

/**
 * `chat conversations at <id> --time T | --position P`: the conversation's stream, read page by
 * page from its first event and folded up to the moment (time-travel.ts). O(events of the
 * conversation up to the moment) time; memory: its members and watermarks, plus its messages
 * up to the moment (only the last N with --last N).
 */
export async function conversationAt(conversationId: string, options: AtOptions): Promise<void> {
  if ((options.time === undefined) === (options.position === undefined))
    throw new UsageError('give exactly one of --time and --position');
  await withStore(options, async (opened) => {
    const moment: Moment =
      options.time !== undefined
        ? { time: parseTime(options.time, '--time') }
        : { position: opened.parsePosition(options.position as string) };
    const streamId = conversationStreamId(conversationId);
    const travel = new ConversationTimeTravel(conversationId, moment, options.last ?? Infinity);
    let existed = false;
    read: for (let from = 0; ;) {
      const page = await opened.store.readStream(streamId, {
        fromRevision: from,
        maxCount: options.pageSize,
      });
      if (page.length === 0) break;
      existed = true;
      for (const event of page) if (!travel.apply(event)) break read;
      from = page[page.length - 1].revision + 1;
    }
    if (!existed) throw new CliError(`no conversation ${conversationId} (stream ${streamId})`);
    const result = travel.result();
    const writer = io.out();
    await writer.write(options.json ? json(result) : renderConversationAt(result));
    await writer.end();
  });
}

export function renderConversationAt(c: ConversationAt): string {
  const moment = 'position' in c.at ? `position ${c.at.position}` : `time ${c.at.time}`;
  if (!c.started) return `conversation ${c.conversationId} had not started at ${moment}\n`;
  const lines = [
    `conversation ${c.conversationId} (${c.kind}${c.title ? `, "${c.title}"` : ''}) at ${moment}`,
    `events applied: ${c.eventsApplied}` +
      (c.lastEvent
        ? `, the last at position ${c.lastEvent.position} (revision ${c.lastEvent.revision}, ${c.lastEvent.time})`
        : ''),
    `members: ${c.members.join(', ')}`,
    `messages: ${c.messageCount} (last seq ${c.lastSeq})` +
      (c.messages.length < c.messageCount ? `, the last ${c.messages.length} shown` : ''),
    '',
    renderTable(
      ['seq', 'sender', 'sentAt', 'body'],
      c.messages.map((m) => [m.seq, m.sender, m.sentAt, m.body]),
    ),
    'receipts (watermarks)',
    renderTable(
      ['user', 'delivered', 'read'],
      c.receipts.map((r) => [r.userId, r.delivered, r.read]),
    ),
  ];
  return lines.join('\n');
}

import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { TimelineMessage } from '../../../../libs/domain/src';
import { ReadModelStore } from '../../../../libs/read-models/src/read-model-store.port';
import { LOGGER, READ_MODELS } from '../../../../libs/platform/src/tokens';
import { Connection } from '../connection/connection';
import { Outbound } from '../connection/outbound';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway-options';
import { ErrorCode } from '../protocol/frames';
import { messageFrame } from '../push/message-frame';

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * sync {cursors}: per conversation, replay the timeline after the cursor, then `synced`, then
 * live. Gap-free and duplicate-free because buffering of that socket's live messages starts
 * (synchronously, on receipt of the frame) before the first page is read: every message the
 * replay misses was applied to the read models after the last page was read, so it was
 * published (and buffered) after buffering began. Buffered messages at or below the last
 * replayed seq are dropped.
 *
 * A sync of a conversation whose replay is still running is refused (`sync_in_progress`);
 * one read after that replay finished is a new sync and re-sends everything after its own
 * cursor, as the protocol says, even what the socket already got (ws-sync-double.e2e.spec.ts).
 */
@Injectable()
export class SyncHandler {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly outbound: Outbound,
  ) {}

  async sync(conn: Connection, cursors: Record<string, number>): Promise<void> {
    const started = this.startBuffering(conn, Object.keys(cursors));
    this.releasePending(conn);
    for (const id of started) {
      try {
        await this.replay(conn, id, cursors[id]);
      } catch (err) {
        this.stopBuffering(conn, id);
        this.logger.error({ err, userId: conn.userId, conversationId: id }, 'sync replay failed');
        this.outbound.error(conn, ErrorCode.internal, 'sync failed, retry', id);
      }
    }
  }

  private startBuffering(conn: Connection, ids: string[]): string[] {
    const syncing = (conn.syncing ??= new Map());
    return ids.filter((id) => {
      if (!Array.isArray(syncing.get(id))) return (syncing.set(id, []), true);
      this.outbound.error(
        conn,
        ErrorCode.syncInProgress,
        'a sync of this conversation is running',
        id,
      );
      return false;
    });
  }

  /** `awaitSync` sockets held live messages until now: into the sync buffers, or out. */
  private releasePending(conn: Connection): void {
    const pending = conn.pending;
    if (!pending) return;
    conn.pending = undefined;
    for (const m of pending) {
      const buffer = conn.syncing?.get(m.conversationId);
      if (Array.isArray(buffer)) buffer.push(m);
      else this.outbound.send(conn, messageFrame(m));
    }
  }

  private async replay(conn: Connection, id: string, cursor: number): Promise<void> {
    const view = await this.readModels.getConversation(id);
    if (!view || !view.members.includes(conn.userId)) {
      this.stopBuffering(conn, id);
      return this.outbound.error(
        conn,
        ErrorCode.notAMember,
        'not a member of this conversation',
        id,
      );
    }
    let last = cursor;
    for (let more = true; more && conn.ws.readyState === WebSocket.OPEN;) {
      const page = await this.readModels.getMessages(id, {
        afterSeq: last,
        limit: this.options.syncPageSize,
      });
      last = this.sendAfter(conn, page, last);
      more = page.length >= this.options.syncPageSize;
      if (more) await this.drain(conn);
    }
    this.goLive(conn, id, last);
  }

  private goLive(conn: Connection, id: string, lastReplayed: number): void {
    const buffered = this.stopBuffering(conn, id).sort((a, b) => a.seq - b.seq);
    this.outbound.send(conn, { type: 'synced', conversationId: id, lastSeq: lastReplayed });
    const last = this.sendAfter(conn, buffered, lastReplayed);
    (conn.syncing ??= new Map()).set(id, last);
  }

  /** Sends the messages above `last` (ascending input); returns the new last sent seq. */
  private sendAfter(conn: Connection, messages: TimelineMessage[], last: number): number {
    for (const m of messages) {
      if (m.seq <= last) continue;
      this.outbound.send(conn, messageFrame(m));
      last = m.seq;
    }
    return last;
  }

  private stopBuffering(conn: Connection, id: string): TimelineMessage[] {
    const buffered = conn.syncing?.get(id);
    conn.syncing?.delete(id);
    if (conn.syncing?.size === 0) conn.syncing = undefined;
    return Array.isArray(buffered) ? buffered : [];
  }

  /** Big replays wait for the socket to drain instead of tripping the slow-consumer bound. */
  private async drain(conn: Connection): Promise<void> {
    const highWater = this.options.maxBufferedBytes / 4;
    while (conn.ws.readyState === WebSocket.OPEN && conn.ws.bufferedAmount > highWater)
      await sleep(5);
  }
}

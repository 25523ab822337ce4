import { Client, types } from 'cassandra-driver';
import { ReadModelOp, TimelineMessage } from '../../../domain/src';
import {
  ConversationView,
  InboxEntry,
  MessagePage,
  ReadModelStore,
  ReceiptView,
} from '../read-model-store.port';
import { unreadCount } from '../watermarks';
import {
  CassandraReadModelOptions,
  ResolvedCassandraOptions,
  resolveOptions,
} from './cassandra-options';
import { ensureSchema, TABLES } from './cassandra-schema';
import { Statements, statementsFor } from './cassandra-statements';
import { connectClient } from './connect-client';
import { allRows, PageOptions } from './paging';
import { planRequests, WriteRequest } from './plan-requests';
import { readTimeline, TimelineSource } from './read-timeline';
import { ConversationState, toConversationState, toSeq } from './row-mapping';
import { runBounded } from './run-bounded';
import { planWrites } from './write-plan';

/** Conversations of one inbox read at once. */
const INBOX_CONCURRENCY = 32;

/**
 * The read models on Cassandra or ScyllaDB (CQL; tables in cassandra-schema.ts, decisions in
 * docs/adr-cassandra-read-models.md).
 *
 * `apply` folds the ops into at most one write per row (write-plan.ts), sends those writes
 * concurrently (single-partition unlogged batches where rows share a partition), waits for
 * ALL of them, and only then writes the checkpoint. CQL has no transaction over these rows, so
 * this order is the whole guarantee: a checkpoint never covers a row that is not written. A
 * failure or crash in between leaves rows ahead of the checkpoint, which the projector writes
 * again (every write is an upsert or a seq-stamped watermark, so that changes nothing).
 *
 * With the default periodic commitlog a kill -9 of the server loses its last ~10 s of writes:
 * rows AND the checkpoint written after them, one suffix together (the checkpoint lives in the
 * same keyspace, never somewhere more durable), and the projector re-applies it.
 *
 * One projector writes a keyspace's read models (as with LMDB): the checkpoint's "never moves
 * back" is a read then a write. The row writes themselves are safe under any concurrency.
 */
export class CassandraReadModelStore implements ReadModelStore {
  private readonly cql: Statements;
  private readonly paging: PageOptions;
  private readonly timeline: TimelineSource;

  private constructor(
    private readonly client: Client,
    private readonly options: ResolvedCassandraOptions,
    private readonly ownsClient: boolean,
  ) {
    this.cql = statementsFor(options.keyspace);
    this.paging = { fetchSize: options.fetchSize, consistency: options.consistency };
    this.timeline = {
      client,
      cql: this.cql,
      paging: this.paging,
      readLastSeq: (conversationId) => this.readLastSeq(conversationId),
    };
  }

  /**
   * Connects (failing with an error that names CASSANDRA_CONTACT_POINTS when no contact point
   * answers), creates the schema if missing, and returns a store that shuts the client down on
   * close().
   */
  static async connect(options: CassandraReadModelOptions): Promise<CassandraReadModelStore> {
    const resolved = resolveOptions(options);
    const client = await connectClient(resolved);
    try {
      if (resolved.createSchema) await ensureSchema(client, resolved);
    } catch (error) {
      await client.shutdown();
      throw error;
    }
    return new CassandraReadModelStore(client, resolved, true);
  }

  /** A store on a client the caller owns (connected; close() leaves it open). */
  static async open(
    client: Client,
    options: CassandraReadModelOptions,
  ): Promise<CassandraReadModelStore> {
    const resolved = resolveOptions(options);
    if (resolved.createSchema) await ensureSchema(client, resolved);
    return new CassandraReadModelStore(client, resolved, false);
  }

  async apply(ops: ReadModelOp[], checkpoint: string): Promise<void> {
    // The stored checkpoint is read while the rows are written; it is only compared afterwards.
    const stored = this.getCheckpoint();
    stored.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    const requests = planRequests(planWrites(ops), this.cql);
    await runBounded(requests, this.options.writeConcurrency, (request) => this.write(request));
    // Only now, with every row of the batch acknowledged: the checkpoint, and never backwards.
    if (checkpoint > (await stored)) {
      await this.write({
        query: this.cql.upsertCheckpoint,
        params: [this.options.projection, checkpoint],
      });
    }
  }

  async getCheckpoint(): Promise<string> {
    const row = await this.one(this.cql.selectCheckpoint, [this.options.projection]);
    return (row?.position as string | null | undefined) ?? '';
  }

  async getConversation(conversationId: string): Promise<ConversationView | undefined> {
    const state = await this.readConversation(conversationId);
    if (!state?.header) return undefined;
    return {
      conversationId,
      ...state.header,
      members: membersOf(state),
      lastSeq: state.lastSeq,
    };
  }

  getMessages(conversationId: string, page: MessagePage): Promise<TimelineMessage[]> {
    return readTimeline(this.timeline, conversationId, page);
  }

  /** The user's conversations, most recently active first (last message, else creation). */
  async getInbox(userId: string): Promise<InboxEntry[]> {
    const ids = (await allRows(this.client, this.cql.selectInbox, [userId], this.paging)).map(
      (row) => row.conversation_id as string,
    );
    const rows = await runBounded(ids, INBOX_CONCURRENCY, (id) => this.inboxRow(userId, id));
    const present = rows.filter((row) => row !== undefined);
    present.sort(
      (a, b) =>
        compare(b.activity, a.activity) || compare(a.entry.conversationId, b.entry.conversationId),
    );
    return present.map((row) => row.entry);
  }

  /** Current members (0 defaults) and former members that have watermarks, by user id. */
  async getReceipts(conversationId: string): Promise<ReceiptView[]> {
    const state = await this.readConversation(conversationId);
    return (state?.users ?? [])
      .filter((user) => user.member || user.hasWatermarks)
      .map(({ userId, deliveredSeq, readSeq }) => ({ userId, deliveredSeq, readSeq }))
      .sort((a, b) => compare(a.userId, b.userId));
  }

  async getReceipt(conversationId: string, userId: string): Promise<ReceiptView> {
    const row = await this.one(this.cql.selectReceipt, [conversationId, userId]);
    return { userId, deliveredSeq: toSeq(row?.delivered_seq), readSeq: toSeq(row?.read_seq) };
  }

  /**
   * Truncates every table (for a rebuild from the start of the log). The checkpoint goes first, so
   * that a wipe interrupted half-way restarts from START, not from a checkpoint over missing rows.
   */
  async clear(): Promise<void> {
    const truncate = (table: string) =>
      this.client.execute(`TRUNCATE TABLE ${this.options.keyspace}.${table}`);
    await truncate('checkpoints');
    await Promise.all(TABLES.filter((t) => t !== 'checkpoints').map(truncate));
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.shutdown();
  }

  /** The highest seq of a conversation (its static last_seq; 0 without messages). */
  private async readLastSeq(conversationId: string): Promise<number> {
    return toSeq((await this.one(this.cql.selectLastSeq, [conversationId]))?.last_seq);
  }

  /** The whole `conversations` partition (every page of it). */
  private async readConversation(conversationId: string): Promise<ConversationState | undefined> {
    const rows = await allRows(
      this.client,
      this.cql.selectConversation,
      [conversationId],
      this.paging,
    );
    return toConversationState(rows);
  }

  /** One inbox entry (one partition read) plus its activity time for sorting. */
  private async inboxRow(
    userId: string,
    conversationId: string,
  ): Promise<{ entry: InboxEntry; activity: string } | undefined> {
    const state = await this.readConversation(conversationId);
    if (!state?.header) return undefined;
    const { header, lastSeq, lastMessage } = state;
    const user = state.users.find((row) => row.userId === userId);
    const deliveredSeq = user?.deliveredSeq ?? 0;
    const readSeq = user?.readSeq ?? 0;
    const entry: InboxEntry = {
      conversationId,
      kind: header.kind,
      ...(header.title !== undefined ? { title: header.title } : {}),
      members: membersOf(state),
      lastSeq,
      ...(lastMessage ? { lastMessage } : {}),
      deliveredSeq,
      readSeq,
      unreadCount: unreadCount(lastSeq, readSeq),
    };
    return { entry, activity: lastMessage?.sentAt ?? header.createdAt };
  }

  /** A single-row read (by full primary key). */
  private async one(query: string, params: unknown[]): Promise<types.Row | undefined> {
    const result = await this.client.execute(query, params, {
      prepare: true,
      consistency: this.options.consistency,
    });
    return result.first() ?? undefined;
  }

  /** Every write is idempotent (upsert, seq-stamped watermark), so the driver may retry it. */
  private async write(request: WriteRequest): Promise<void> {
    const options = { prepare: true, isIdempotent: true, consistency: this.options.consistency };
    if ('batch' in request) await this.client.batch(request.batch, { ...options, logged: false });
    else await this.client.execute(request.query, request.params, options);
  }
}

const membersOf = (state: ConversationState): string[] =>
  state.users.filter((user) => user.member).map((user) => user.userId);

/** Code-unit order (not locale order), as the LMDB adapter sorts. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

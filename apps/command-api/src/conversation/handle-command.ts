import { randomUUID } from 'node:crypto';
import {
  CONVERSATION_SNAPSHOT_VERSION,
  ConversationCommand,
  ConversationEvent,
  ConversationPolicy,
  ConversationState,
  DomainError,
  SCHEMA_VERSION,
  conversationStreamId,
  decide,
  evolve,
  isDomainError,
  toSnapshot,
} from '../../../../libs/domain/src';
import { DuplicateEventIdError } from '../../../../libs/event-store/src/duplicate-event-id.error';
import {
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../../../../libs/event-store/src/event-store.port';
import { UnsealedEvent, sealEvents } from '../../../../libs/event-store/src/hash-chain';
import { SnapshotStore } from '../../../../libs/event-store/src/snapshot-store.port';
import { AppError, fromDomainError } from '../../../../libs/platform/src/app-error';
import { CachedStream, StreamCache } from './stream-cache';

export interface CommandDeps {
  store: EventStore;
  snapshots: SnapshotStore;
  cache: StreamCache;
  policy: ConversationPolicy;
  /** A snapshot is saved once a stream has grown this many events past its last one. */
  snapshotEvery: number;
  /** Called once per command with its outcome (metrics). */
  record(type: string, outcome: 'appended' | 'noop' | 'refused' | 'conflict' | 'error'): void;
  /** A snapshot that could not be saved (harmless: the next load folds more events). */
  snapshotFailed(err: unknown, streamId: string): void;
}

export interface CommandContext {
  actor: string;
  correlationId: string;
}

/** For a command whose first event has an id derived from an idempotency key (a send). */
export interface Idempotency<R> {
  eventId: string;
  /** The reply to a retry, from the event the original command stored. */
  replay(original: RecordedEvent): R;
}

/** This command's own appends may conflict this often before it answers 409. */
const MAX_CONFLICTS = 10;
/** Rounds in all (own conflicts and waits behind failed appends) before it answers 503. */
const MAX_ROUNDS = 50;

/**
 * Load (cached) → decide → seal into the stream's hash chain → append with the expected
 * revision → reply, for every conversation command. Between `decide` and the `append` call there
 * is no await, and the cached state, revision and hash advance at call time. On a store that
 * pipelines appends (EventStore.pipelinesAppends) the next command on the stream appends behind
 * this one at once; on others it waits for this append to settle, since another process may
 * take the revision it expects.
 * Nothing is acknowledged before it is durable: appends are awaited, and a no-op or refusal
 * first awaits the stream's pending append it was decided on. A revision conflict (another
 * writer, in this process or another) reloads and retries, at most MAX_CONFLICTS times.
 * A retried send finds its original by event id (`idempotency`). `reply` reads the result from
 * the state right after this command's events.
 */
export async function handleConversationCommand<R>(
  deps: CommandDeps,
  command: ConversationCommand,
  ctx: CommandContext,
  reply: (state: ConversationState) => R,
  idempotency?: Idempotency<R>,
): Promise<R> {
  const streamId = conversationStreamId(command.data.conversationId);
  let conflicts = 0;
  // This command's id, minted at its first append and kept across retried rounds: the
  // causationId of every event it appends (EventMetadata).
  let commandId: string | undefined;
  for (let round = 1; ; round++) {
    // Each round follows a failure or conflict of some append on this stream (ours or another
    // command's we were waiting behind); a store that keeps failing them all ends it here.
    if (round > MAX_ROUNDS) throw unavailable();
    // A cached stream is used at once (no await, so no extra microtask per command); only a load is awaited.
    const cached = deps.cache.get(streamId);
    const entry = cached instanceof Promise ? await cached : cached;
    // Checked again after every wake-up, with no await between the last check and `append`:
    // of several commands waiting on one append, exactly one appends next, the others wait on it.
    while (!deps.store.pipelinesAppends && entry.valid && entry.appendInFlight)
      await settled(entry.pendingAppend);
    if (!entry.valid) continue; // dropped while we waited (a failure or conflict): take the fresh one
    const decision = decide(entry.state, command, deps.policy);
    if (isDomainError(decision) || decision.length === 0) {
      const original = isDomainError(decision) && (await findOriginal(deps, command, idempotency));
      if (original) return original;
      const outcome = isDomainError(decision) ? decision : reply(entry.state);
      // Decided on state that may include a pending append: answer only once it is durable.
      if (await settled(entry.pendingAppend)) return conclude(deps, command, outcome);
      continue;
    }
    commandId ??= randomUUID();
    const events = seal(
      streamId,
      entry,
      withMetadata(decision, ctx, commandId, idempotency?.eventId),
    );
    const append = deps.store.append(streamId, events, entry.revision);
    const result = advance(entry, decision, events, append, reply);
    snapshotIfDue(deps, streamId, entry, append);
    try {
      await append;
      deps.record(command.type, 'appended');
      return result;
    } catch (err) {
      deps.cache.drop(streamId, entry);
      const original =
        err instanceof DuplicateEventIdError && (await findOriginal(deps, command, idempotency));
      if (original) return original;
      rethrowUnlessRetryable(deps, command, err, ++conflicts);
      // Another writer (process) is appending to this stream too: let it finish its run.
      await backOff(conflicts);
    }
  }
}

/** The reply to a retry whose original is stored, or undefined (not a retry). */
async function findOriginal<R>(
  deps: CommandDeps,
  command: ConversationCommand,
  idempotency: Idempotency<R> | undefined,
): Promise<R | undefined> {
  if (!idempotency) return undefined;
  const original = await deps.store.readEvent(idempotency.eventId);
  if (!original) return undefined;
  deps.record(command.type, 'noop');
  return idempotency.replay(original);
}

/** A no-op answers its result; a refusal throws it as an AppError. */
function conclude<R>(deps: CommandDeps, command: ConversationCommand, outcome: R | DomainError): R {
  if (isDomainError(outcome)) {
    deps.record(command.type, 'refused');
    throw fromDomainError(outcome);
  }
  deps.record(command.type, 'noop');
  return outcome;
}

/** A revision conflict is retried (bounded, then 409); anything else propagates. */
function rethrowUnlessRetryable(
  deps: CommandDeps,
  command: ConversationCommand,
  err: unknown,
  conflicts: number,
): void {
  if (!(err instanceof WrongExpectedRevisionError)) {
    deps.record(command.type, 'error');
    throw err;
  }
  deps.record(command.type, 'conflict');
  if (conflicts >= MAX_CONFLICTS) throw conflict();
}

const conflict = () =>
  new AppError('concurrency_conflict', 'The conversation changed concurrently; retry', 409);

const unavailable = () =>
  new AppError('unavailable', 'The event store is failing writes; retry later', 503);

/** Seals the events onto the entry's head: the chain is made here, the store only keeps it. */
function seal(streamId: string, entry: CachedStream, events: UnsealedEvent[]): NewEvent[] {
  const firstRevision = entry.revision === 'no_stream' ? 0 : entry.revision + 1;
  return sealEvents(streamId, firstRevision, entry.hash, events);
}

/** Applies the just-appended events to the cached entry synchronously (pipelining). */
function advance<R>(
  entry: CachedStream,
  events: ConversationEvent[],
  sealed: NewEvent[],
  append: Promise<unknown>,
  reply: (s: ConversationState) => R,
): R {
  let state = entry.state;
  for (const event of events) state = evolve(state, event);
  entry.state = state;
  entry.revision = (entry.revision === 'no_stream' ? -1 : entry.revision) + events.length;
  entry.hash = sealed[sealed.length - 1].metadata.hash;
  entry.pendingAppend = append;
  entry.appendInFlight = true;
  // Registered before anyone awaits `append`, so it runs before their continuations.
  const landed = () => {
    if (entry.pendingAppend === append) entry.appendInFlight = false;
  };
  append.then(landed, landed);
  return reply(state);
}

/**
 * Every `snapshotEvery` events, the state right after this append is captured now (a copy) and
 * saved once the append is durable, so a snapshot never covers an event the log lacks.
 */
function snapshotIfDue(
  deps: CommandDeps,
  streamId: string,
  entry: CachedStream,
  append: Promise<unknown>,
): void {
  const revision = entry.revision as number;
  if (revision - entry.snapshotRevision < deps.snapshotEvery) return;
  const state = toSnapshot(entry.state);
  if (!state) return;
  entry.snapshotRevision = revision;
  const snapshot = {
    revision,
    hash: entry.hash,
    schemaVersion: CONVERSATION_SNAPSHOT_VERSION,
    state,
  };
  // A failed append is its command's to handle (and drops the entry): no snapshot then.
  append.then(
    () =>
      deps.snapshots.save(streamId, snapshot).catch((err) => deps.snapshotFailed(err, streamId)),
    () => undefined,
  );
}

/** Stamps a command's events: every one names the command (`commandId`) as its cause. */
function withMetadata(
  events: ConversationEvent[],
  ctx: CommandContext,
  commandId: string,
  firstEventId?: string,
): UnsealedEvent[] {
  const timestamp = new Date().toISOString();
  return events.map((event, i) => ({
    type: event.type,
    data: event.data,
    metadata: {
      eventId: i === 0 && firstEventId ? firstEventId : randomUUID(),
      schemaVersion: SCHEMA_VERSION[event.type],
      correlationId: ctx.correlationId,
      causationId: commandId,
      actor: ctx.actor,
      timestamp,
    },
  }));
}

/** Full jitter, doubling from 2 ms up to 64 ms: writers in other processes that keep meeting
 * on one stream spread out instead of retrying in lockstep. */
const backOff = (conflicts: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(64, 2 ** conflicts)));

/** True when the append resolved; false when it failed (its command dropped the entry). */
const settled = (p: Promise<unknown>): Promise<boolean> =>
  p.then(
    () => true,
    () => false,
  );

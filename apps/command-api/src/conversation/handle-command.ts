import { randomUUID } from 'node:crypto';
import {
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
} from '../../../../libs/domain/src';
import {
  EventStore,
  NewEvent,
  WrongExpectedRevisionError,
} from '../../../../libs/event-store/src/event-store.port';
import { AppError, fromDomainError } from '../../../../libs/platform/src/app-error';
import { CachedStream, StreamCache } from './stream-cache';

export interface CommandDeps {
  store: EventStore;
  cache: StreamCache;
  policy: ConversationPolicy;
  /** Called once per command with its outcome (metrics). */
  record(type: string, outcome: 'appended' | 'noop' | 'refused' | 'conflict' | 'error'): void;
}

export interface CommandContext {
  actor: string;
  correlationId: string;
}

const MAX_ATTEMPTS = 5;

/**
 * Load (cached) → decide → append with the expected revision → reply, for every conversation
 * command. Between `decide` and the `append` call there is no await, and the cached state and
 * revision advance at call time, so the next command on the stream pipelines behind this one
 * (the store reserves the revision synchronously and commits appends in groups).
 * Nothing is acknowledged before it is durable: appends are awaited, and a no-op or refusal
 * first awaits the stream's pending append it was decided on. A revision conflict reloads and
 * retries (bounded); any other failure drops the cached state and rethrows.
 * `reply` reads the result from the state right after this command's events.
 */
export async function handleConversationCommand<R>(
  deps: CommandDeps,
  command: ConversationCommand,
  ctx: CommandContext,
  reply: (state: ConversationState) => R,
): Promise<R> {
  const streamId = conversationStreamId(command.data.conversationId);
  for (let attempt = 1; ; attempt++) {
    // A cached stream is used at once (no await, so no extra microtask per command); only a load is awaited.
    const cached = deps.cache.get(streamId);
    const entry = cached instanceof Promise ? await cached : cached;
    if (!entry.valid) continue; // dropped while we waited for the load: take the fresh one
    const decision = decide(entry.state, command, deps.policy);
    if (isDomainError(decision) || decision.length === 0) {
      const outcome = isDomainError(decision) ? decision : reply(entry.state);
      // Decided on state that may include a pending append: answer only once it is durable.
      if (await settled(entry.pendingAppend)) return conclude(deps, command, outcome);
      if (attempt >= MAX_ATTEMPTS) throw unavailable();
      continue;
    }
    const append = deps.store.append(streamId, withMetadata(decision, ctx), entry.revision);
    const result = advance(entry, decision, append, reply);
    try {
      await append;
      deps.record(command.type, 'appended');
      return result;
    } catch (err) {
      deps.cache.drop(streamId, entry);
      rethrowUnlessRetryable(deps, command, err, attempt);
    }
  }
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
  attempt: number,
): void {
  if (!(err instanceof WrongExpectedRevisionError)) {
    deps.record(command.type, 'error');
    throw err;
  }
  deps.record(command.type, 'conflict');
  if (attempt >= MAX_ATTEMPTS)
    throw new AppError('concurrency_conflict', 'The conversation changed concurrently; retry', 409);
}

const unavailable = () =>
  new AppError('unavailable', 'The event store is failing writes; retry later', 503);

/** Applies the just-appended events to the cached entry synchronously (pipelining). */
function advance<R>(
  entry: CachedStream,
  events: ConversationEvent[],
  append: Promise<unknown>,
  reply: (s: ConversationState) => R,
): R {
  let state = entry.state;
  for (const event of events) state = evolve(state, event);
  entry.state = state;
  entry.revision = (entry.revision === 'no_stream' ? -1 : entry.revision) + events.length;
  entry.pendingAppend = append;
  return reply(state);
}

function withMetadata(events: ConversationEvent[], ctx: CommandContext): NewEvent[] {
  const causationId = randomUUID();
  const timestamp = new Date().toISOString();
  return events.map((event) => ({
    type: event.type,
    data: event.data,
    metadata: {
      eventId: randomUUID(),
      schemaVersion: SCHEMA_VERSION[event.type],
      correlationId: ctx.correlationId,
      causationId,
      actor: ctx.actor,
      timestamp,
    },
  }));
}

/** True when the append resolved; false when it failed (its command dropped the entry). */
const settled = (p: Promise<unknown>): Promise<boolean> =>
  p.then(
    () => true,
    () => false,
  );

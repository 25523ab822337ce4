import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  ANY,
  NO_STREAM,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult as EsdbAppendResult,
  type EventData,
  type JSONRecordedEvent,
  type Position as EsdbPosition,
  type ResolvedEvent,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
// The client's own catch-up subscription stream, fed by a fake gRPC call below: everything
// from the server's messages onwards is the real client code.
import { Subscription as ClientSubscription } from '@eventstore/db-client/dist/streams/utils/Subscription';
import pino from 'pino';
import { ChainedMetadata } from '../../../domain/src';
import { DuplicateEventIdError } from '../duplicate-event-id.error';
import { RecordedEvent, START, WrongExpectedRevisionError } from '../event-store.port';
import { GENESIS_HASH } from '../hash-chain';
import { StreamSnapshot } from '../snapshot-store.port';
import {
  isDeliverable,
  isStreamNotFound,
  isWrongExpectedVersion,
  serverFilter,
  toActualRevision,
  toEsdbExpectedRevision,
  toRecordedEvent,
  toWrongExpectedRevision,
} from './esdb-mapping';
import { decodePosition, encodePosition, isReportedPosition, U64_MAX } from './esdb-position';
import { EsdbCatchUpSubscription, EsdbSubscribeClient } from './esdb-subscription';
import { EsdbClient, EventStoreDbEventStore } from './eventstoredb-event-store';
import { EventStoreDbSnapshotStore } from './eventstoredb-snapshot-store';

const logger = pino({ level: 'silent' });

// ---------------------------------------------------------------------------------------------
// Objects shaped like the client's types

const at = (commit: number | bigint, prepare = commit): EsdbPosition => ({
  commit: BigInt(commit),
  prepare: BigInt(prepare),
});

function metadata(): ChainedMetadata {
  return {
    eventId: randomUUID(),
    schemaVersion: 1,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'unit-test',
    timestamp: '2025-01-01T00:00:00.000Z',
    prevHash: GENESIS_HASH,
    hash: 'a'.repeat(64),
  };
}

/** A recorded event as the client converts it from the server's message. */
function recorded(
  streamId: string,
  revision: number,
  position: EsdbPosition | undefined,
  overrides: Partial<JSONRecordedEvent> = {},
): JSONRecordedEvent & { position: EsdbPosition } {
  const meta = metadata();
  return {
    streamId,
    id: meta.eventId,
    isJson: true,
    revision: BigInt(revision),
    type: 'MessageSent',
    created: new Date(0),
    data: { text: `event ${revision}` },
    metadata: meta,
    position: position as EsdbPosition,
    ...overrides,
  } as JSONRecordedEvent & { position: EsdbPosition };
}

const resolved = (event: JSONRecordedEvent): AllStreamResolvedEvent =>
  ({ event, commitPosition: event.position?.commit }) as AllStreamResolvedEvent;

async function* iterate<T>(items: T[], error?: unknown): AsyncGenerator<T> {
  for (const item of items) yield item;
  if (error) throw error;
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

// ---------------------------------------------------------------------------------------------

describe('EventStoreDB positions', () => {
  const randomU64 = (): bigint => {
    const bytes = new BigUint64Array(1);
    crypto.getRandomValues(bytes);
    // Mix in small values and values sharing a commit, where ordering bugs hide.
    const pick = Math.random();
    if (pick < 0.2) return BigInt(Math.floor(Math.random() * 1000));
    if (pick < 0.25) return U64_MAX - 1n;
    return bytes[0];
  };

  it('round-trips {commit, prepare} through the opaque string', () => {
    const failures: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const position = at(randomU64(), randomU64());
      const encoded = encodePosition(position);
      const back = decodePosition(encoded);
      const ok =
        /^\d{20}\/\d{20}$/.test(encoded) &&
        back !== ESDB_START &&
        back.commit === position.commit &&
        back.prepare === position.prepare;
      if (!ok) failures.push(`${position.commit}/${position.prepare} → ${encoded}`);
    }
    expect(failures).toEqual([]);
    expect(encodePosition(at(4242))).toBe('00000000000000004242/00000000000000004242');
    expect(encodePosition(at(U64_MAX - 1n, 0))).toBe('18446744073709551614/00000000000000000000');
  });

  it('keeps $all order (commit, then prepare) as plain string order', () => {
    const sign = (d: bigint) => (d < 0n ? -1 : d > 0n ? 1 : 0);
    const compare = (a: EsdbPosition, b: EsdbPosition) =>
      a.commit === b.commit ? sign(a.prepare - b.prepare) : sign(a.commit - b.commit);
    const failures: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const a = at(randomU64(), randomU64());
      const b = i % 3 === 0 ? at(a.commit, randomU64()) : at(randomU64(), randomU64());
      const [ea, eb] = [encodePosition(a), encodePosition(b)];
      if ((ea < eb ? -1 : ea > eb ? 1 : 0) !== compare(a, b)) failures.push(`${ea} vs ${eb}`);
    }
    expect(failures).toEqual([]);
  });

  it('START is before every position and decodes to the client START', () => {
    expect(decodePosition(START)).toBe(ESDB_START);
    expect(START < encodePosition(at(0, 0))).toBe(true);
  });

  it('refuses strings it did not make and values outside u64', () => {
    for (const bad of [
      '42',
      '1/2',
      `${'9'.repeat(21)}/${'0'.repeat(20)}`,
      '0000000000000000004x/00000000000000000000',
    ]) {
      expect(() => decodePosition(bad)).toThrow(TypeError);
    }
    expect(() => decodePosition(`99999999999999999999/${'0'.repeat(20)}`)).toThrow(RangeError);
    expect(() => encodePosition(at(-1n))).toThrow(RangeError);
    expect(() => encodePosition(at(U64_MAX + 1n))).toThrow(RangeError);
  });

  it('recognises the "no position" values the server and client use', () => {
    expect(isReportedPosition(at(100, 100))).toBe(true);
    expect(isReportedPosition(undefined)).toBe(false);
    expect(isReportedPosition(at(U64_MAX))).toBe(false);
    expect(isReportedPosition(at(0, 0))).toBe(false);
  });
});

describe('EventStoreDB error mapping', () => {
  const wrongVersion = (
    current: bigint | 'no_stream',
    expected: bigint | 'no_stream' | 'any' = 0n,
  ) => new WrongExpectedVersionError(undefined, { streamName: 's', expected, current });

  it("maps WrongExpectedVersionError to WrongExpectedRevisionError with the server's actual revision", () => {
    const mapped = toWrongExpectedRevision(wrongVersion(3n), 's', 1);
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({
      name: 'WrongExpectedRevisionError',
      streamId: 's',
      expected: 1,
      actual: 3,
    });
    expect(toWrongExpectedRevision(wrongVersion('no_stream'), 's', 3)).toMatchObject({
      actual: 'no_stream',
    });
  });

  it('maps the forms of "current revision" the client produces', () => {
    expect(toActualRevision(0n)).toBe(0);
    expect(toActualRevision(-1n)).toBe('no_stream'); // throwOnAppendFailure=false reports -1
    expect(toActualRevision('no_stream')).toBe('no_stream');
    expect(toActualRevision(undefined)).toBe('unknown');
    expect(() => toActualRevision(2n ** 60n)).toThrow(RangeError);
  });

  it('recognises the client errors by class and by type (a second copy of the client)', () => {
    expect(isWrongExpectedVersion(wrongVersion(1n))).toBe(true);
    expect(isWrongExpectedVersion({ type: 'wrong-expected-version' })).toBe(true);
    expect(isWrongExpectedVersion(new Error('x'))).toBe(false);
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 's'))).toBe(true);
    expect(isStreamNotFound({ type: 'stream-not-found' })).toBe(true);
    expect(isStreamNotFound(wrongVersion(1n))).toBe(false);
  });

  it("maps the port's expected revision to the client's", () => {
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision(7)).toBe(7n);
    expect(() => toEsdbExpectedRevision(-1)).toThrow(RangeError);
    expect(() => toEsdbExpectedRevision(1.5)).toThrow(RangeError);
  });
});

describe('EventStoreDB event conversion', () => {
  it('converts a recorded event into the port’s RecordedEvent, metadata as stored', () => {
    const event = recorded('conversation-1', 3, at(9_000, 8_990));
    expect(toRecordedEvent(event)).toEqual<RecordedEvent>({
      streamId: 'conversation-1',
      revision: 3,
      position: encodePosition(at(9_000, 8_990)),
      type: 'MessageSent',
      data: { text: 'event 3' },
      metadata: event.metadata as unknown as ChainedMetadata,
    });
  });

  it('refuses what this application cannot have written, or an event without a position', () => {
    const binary = { ...recorded('c', 0, at(10)), isJson: false, data: new Uint8Array([1]) };
    expect(() => toRecordedEvent(binary as unknown as JSONRecordedEvent)).toThrow(
      /not a JSON object/,
    );
    const unsealed = recorded('c', 0, at(10), { metadata: { eventId: 'x' } });
    expect(() => toRecordedEvent(unsealed)).toThrow(/sealed metadata/);
    expect(() => toRecordedEvent(recorded('c', 0, at(U64_MAX)))).toThrow(
      /did not report the \$all position/,
    );
    expect(() => toRecordedEvent(recorded('c', 0, undefined))).toThrow(/did not report/);
  });

  it('delivers from $all neither system events, snapshots, foreign events nor filtered ones', () => {
    const ok = recorded('conversation-1', 0, at(10));
    expect(isDeliverable(ok, undefined)).toBe(true);
    expect(isDeliverable(recorded('$stats-1', 0, at(10)), undefined)).toBe(false);
    expect(isDeliverable(recorded('conversation-1', 0, at(10), { type: '$>' }), undefined)).toBe(
      false,
    );
    expect(isDeliverable(recorded('snapshot-conversation-1', 0, at(10)), undefined)).toBe(false);
    expect(
      isDeliverable(recorded('other-app', 0, at(10), { metadata: { foo: 1 } }), undefined),
    ).toBe(false);
    expect(isDeliverable(ok, { streamPrefixes: ['conversation-'] })).toBe(true);
    expect(isDeliverable(ok, { streamPrefixes: ['user-'] })).toBe(false);
    expect(isDeliverable(ok, { eventTypes: ['MessageSent'] })).toBe(true);
    expect(isDeliverable(ok, { eventTypes: ['MessageSentX', 'Message'] })).toBe(false);
  });

  it('builds the server-side filter: stream prefixes, exact event types, or the system/snapshot exclusion', () => {
    const checkpoint = () => undefined;
    expect(serverFilter({ streamPrefixes: ['a-', 'b-'] }, checkpoint)).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['a-', 'b-'],
      checkpointReached: checkpoint,
    });
    const byType = serverFilter({ eventTypes: ['Sent', 'Read.v2'] }, checkpoint);
    expect(byType).toMatchObject({ filterOn: 'eventType', checkpointReached: checkpoint });
    const typeRegex = new RegExp((byType as { regex: string }).regex);
    expect(['Sent', 'Read.v2'].map((t) => typeRegex.test(t))).toEqual([true, true]);
    expect(['SentX', 'Read-v2', 'XSent', '$>'].some((t) => typeRegex.test(t))).toBe(false);
    const fallback = serverFilter(undefined, checkpoint);
    expect(fallback).toMatchObject({ filterOn: 'streamName', checkpointReached: checkpoint });
    const streamRegex = new RegExp((fallback as { regex: string }).regex);
    expect(streamRegex.test('conversation-1')).toBe(true);
    expect(streamRegex.test('$stats-127.0.0.1:2113')).toBe(false);
    expect(streamRegex.test('$$conversation-1')).toBe(false);
    expect(streamRegex.test('snapshot-conversation-1')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The store against a fake client (the calls and answers of the client's documented API)

interface AppendCall {
  stream: string;
  events: EventData[];
  expectedRevision: unknown;
}

function fakeClient(overrides: Partial<Record<keyof EsdbClient, unknown>> = {}) {
  const appends: AppendCall[] = [];
  const client = {
    async appendToStream(
      stream: string,
      events: EventData | EventData[],
      options: { expectedRevision?: unknown },
    ) {
      appends.push({ stream, events: [events].flat(), expectedRevision: options.expectedRevision });
      return {
        success: true,
        nextExpectedRevision: 1n,
        position: at(500, 500),
      } as EsdbAppendResult;
    },
    readStream: () => iterate<ResolvedEvent>([]),
    readAll: () => iterate<AllStreamResolvedEvent>([]),
    subscribeToAll: () => {
      throw new Error('not used');
    },
    setStreamMetadata: async () => ({ success: true, nextExpectedRevision: 0n }),
    dispose: async () => undefined,
    ...overrides,
  };
  return { client: client as unknown as EsdbClient, appends };
}

const sealed = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'MessageSent', data: { i }, metadata: metadata() }));

describe('EventStoreDbEventStore on a fake client', () => {
  it('appends jsonEvents whose id is metadata.eventId, with the expected revision, and returns the encoded position', async () => {
    const { client, appends } = fakeClient();
    const store = new EventStoreDbEventStore(client, { logger });
    const events = sealed(2);
    const result = await store.append('conversation-1', events, 0);
    expect(result).toEqual({ nextExpectedRevision: 1, position: encodePosition(at(500)) });
    expect(appends).toHaveLength(1);
    expect(appends[0].expectedRevision).toBe(0n);
    expect(appends[0].events).toEqual(
      events.map((e) => ({
        id: e.metadata.eventId,
        contentType: 'application/json',
        type: e.type,
        data: e.data,
        metadata: e.metadata,
      })),
    );
    await store.append('conversation-1', sealed(1), 'no_stream');
    await store.append('conversation-1', sealed(1), 'any');
    expect(appends.map((a) => a.expectedRevision)).toEqual([0n, NO_STREAM, ANY]);
    await expect(store.append('conversation-1', [], 'any')).rejects.toThrow(TypeError);
  });

  it('reads the last event back when the server reports no position for an append', async () => {
    const last = recorded('s', 1, at(700));
    const { client } = fakeClient({
      appendToStream: async () => ({
        success: true,
        nextExpectedRevision: 1n,
        position: undefined,
      }),
      readStream: (_stream: string, options: { fromRevision: bigint; maxCount: number }) => {
        expect(options).toMatchObject({ fromRevision: 1n, maxCount: 1 });
        return iterate([{ event: last }]);
      },
    });
    const store = new EventStoreDbEventStore(client, { logger });
    expect(await store.append('s', sealed(1), 0)).toEqual({
      nextExpectedRevision: 1,
      position: encodePosition(at(700)),
    });
  });

  it('rejects a conflict with WrongExpectedRevisionError carrying the actual revision', async () => {
    const other = recorded('s', 1, at(600));
    const { client } = fakeClient({
      appendToStream: async () => {
        throw new WrongExpectedVersionError(undefined, {
          streamName: 's',
          expected: 0n,
          current: 1n,
        });
      },
      readStream: () => iterate([{ event: other }]),
    });
    const store = new EventStoreDbEventStore(client, { logger });
    const attempt = store.append('s', sealed(1), 0);
    await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(attempt).rejects.toMatchObject({ streamId: 's', expected: 0, actual: 1 });
  });

  it('reports a conflict from throwOnAppendFailure=false the same way', async () => {
    const { client } = fakeClient({
      appendToStream: async () => ({ success: false, nextExpectedRevision: -1n }),
    });
    const store = new EventStoreDbEventStore(client, { logger });
    await expect(store.append('s', sealed(1), 4)).rejects.toMatchObject({
      name: 'WrongExpectedRevisionError',
      actual: 'no_stream',
    });
  });

  it("turns the server's 'corrupted idempotency' (a partly matching retry) into DuplicateEventIdError", async () => {
    const events = sealed(2);
    const storedFirst = recorded('s', 1, at(600), {
      metadata: events[0].metadata as unknown as Record<string, unknown>,
    });
    const { client } = fakeClient({
      appendToStream: async () => {
        throw new WrongExpectedVersionError(undefined, {
          streamName: 's',
          expected: 0n,
          current: 2n,
        });
      },
      readStream: () => iterate([{ event: storedFirst }]),
    });
    const store = new EventStoreDbEventStore(client, { logger });
    await expect(store.append('s', [events[0], sealed(1)[0]], 0)).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    await expect(store.append('s', events, 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
  });

  it('reads a stream page with direction, fromRevision and maxCount; a missing stream reads empty', async () => {
    const calls: unknown[] = [];
    const { client } = fakeClient({
      readStream: (stream: string, options: unknown) => {
        calls.push(options);
        if (stream === 'missing') return iterate([], new StreamNotFoundError(undefined, stream));
        return iterate([
          { event: recorded(stream, 4, at(40)) },
          { event: recorded(stream, 3, at(30)) },
        ]);
      },
    });
    const store = new EventStoreDbEventStore(client, { logger });
    const page = await store.readStream('s', { direction: 'backwards', maxCount: 2 });
    expect(page.map((e) => [e.revision, e.position])).toEqual([
      [4, encodePosition(at(40))],
      [3, encodePosition(at(30))],
    ]);
    await store.readStream('s', { fromRevision: 2, maxCount: 5 });
    await store.readStream('s', { maxCount: 5 });
    expect(calls).toEqual([
      { direction: 'backwards', fromRevision: 'end', maxCount: 2 },
      { direction: 'forwards', fromRevision: 2n, maxCount: 5 },
      { direction: 'forwards', fromRevision: 'start', maxCount: 5 },
    ]);
    expect(await store.readStream('missing', { maxCount: 5 })).toEqual([]);
    expect(await store.readStream('s', { maxCount: 0 })).toEqual([]);
  });

  it('readEvent is not supported by EventStoreDB: always undefined', async () => {
    const store = new EventStoreDbEventStore(fakeClient().client, { logger });
    expect(await store.readEvent(randomUUID())).toBeUndefined();
  });

  it('readAll pages $all after an exclusive position, leaving out system, snapshot and filtered events', async () => {
    // A log of 12 records: the read starts at the given position (inclusive) like the server's.
    const log = [
      recorded('$settings', 0, at(100)),
      recorded('conversation-1', 0, at(110)),
      recorded('snapshot-conversation-1', 0, at(120)),
      recorded('conversation-2', 0, at(130)),
      recorded('$$conversation-2', 0, at(140), { type: '$metadata' }),
      recorded('conversation-1', 1, at(150)),
      recorded('user-1', 0, at(160)),
      recorded('conversation-2', 1, at(170)),
      recorded('foreign', 0, at(180), { metadata: { x: 1 } }),
      recorded('conversation-3', 0, at(190)),
      recorded('conversation-3', 1, at(200)),
      recorded('conversation-3', 2, at(210)),
    ];
    const reads: { fromPosition: unknown; maxCount: number }[] = [];
    const { client } = fakeClient({
      readAll: (options: { fromPosition: typeof ESDB_START | EsdbPosition; maxCount: number }) => {
        reads.push(options);
        const from = options.fromPosition === ESDB_START ? 0n : options.fromPosition.commit;
        const page = log.filter((e) => e.position.commit >= from).slice(0, options.maxCount);
        return iterate(page.map((event) => ({ event })));
      },
    });
    const store = new EventStoreDbEventStore(client, { logger, allPageSize: 3 });
    const ids = (events: RecordedEvent[]) => events.map((e) => `${e.streamId}@${e.revision}`);

    expect(ids(await store.readAll({ maxCount: 100 }))).toEqual([
      'conversation-1@0',
      'conversation-2@0',
      'conversation-1@1',
      'user-1@0',
      'conversation-2@1',
      'conversation-3@0',
      'conversation-3@1',
      'conversation-3@2',
    ]);
    reads.length = 0;
    expect(ids(await store.readAll({ after: encodePosition(at(130)), maxCount: 2 }))).toEqual([
      'conversation-1@1',
      'user-1@0',
    ]);
    // Pages of max(allPageSize, maxCount + 1), each from the last position seen (inclusive).
    expect(reads).toEqual([
      { direction: 'forwards', fromPosition: at(130), maxCount: 3 },
      { direction: 'forwards', fromPosition: at(150), maxCount: 3 },
    ]);
    expect(
      ids(
        await store.readAll({
          maxCount: 100,
          filter: { streamPrefixes: ['conversation-2', 'user-'] },
        }),
      ),
    ).toEqual(['conversation-2@0', 'user-1@0', 'conversation-2@1']);
    expect(await store.readAll({ after: encodePosition(at(210)), maxCount: 10 })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Subscriptions: the client's own Subscription stream, fed by a fake gRPC call

/** Server messages (ReadResp) as the client's Subscription reads them. */
const message = {
  confirmation: () => ({
    hasConfirmation: () => true,
    getConfirmation: () => ({ getSubscriptionId: () => 'subscription-1' }),
  }),
  event: (event: JSONRecordedEvent) => ({ hasEvent: () => true, getEvent: () => resolved(event) }),
  checkpoint: (position: EsdbPosition) => ({
    hasCheckpoint: () => true,
    getCheckpoint: () => ({
      getCommitPosition: () => position.commit.toString(),
      getPreparePosition: () => position.prepare.toString(),
    }),
  }),
  caughtUp: () => ({ hasCaughtUp: () => true }),
};

class FakeCall {
  readonly stream = new PassThrough({ objectMode: true });
  cancelled = false;
  constructor() {
    Object.assign(this.stream, {
      cancel: () => {
        this.cancelled = true;
        if (!this.stream.writableEnded) this.stream.end();
      },
    });
  }
  send(...messages: object[]): void {
    for (const m of messages) this.stream.write(m);
  }
}

function fakeSubscribeClient(
  calls: (FakeCall | 'refused')[],
  // The last event of $all (the fallback for caughtUp): by default far ahead, so that only the
  // server's caught-up message counts.
  head: JSONRecordedEvent = recorded('far-ahead', 0, at(10n ** 15n)),
): { client: EsdbSubscribeClient; requests: SubscribeToAllOptions[] } {
  const requests: SubscribeToAllOptions[] = [];
  const client = {
    subscribeToAll(options: SubscribeToAllOptions = {}): AllStreamSubscription {
      requests.push(options);
      const call = calls[requests.length - 1] ?? new FakeCall();
      const connect = () =>
        call === 'refused'
          ? Promise.reject(new Error('connect ECONNREFUSED'))
          : Promise.resolve(call.stream);
      return new ClientSubscription(
        connect as never,
        ((event: unknown) => event) as never,
        {},
        options.filter?.checkpointReached,
      ) as unknown as AllStreamSubscription;
    },
    readAll: () => iterate([resolved(head)]),
  };
  return { client: client as unknown as EsdbSubscribeClient, requests };
}

function subscribe(
  client: EsdbSubscribeClient,
  handler: (event: RecordedEvent) => Promise<void> | void,
  options: { after?: string; filter?: { streamPrefixes?: string[]; eventTypes?: string[] } } = {},
) {
  return new EsdbCatchUpSubscription(
    client,
    { after: options.after ?? START, filter: options.filter, snapshotPrefix: 'snapshot-', logger },
    handler,
  );
}

describe('EsdbCatchUpSubscription (client Subscription stream over a fake gRPC call)', () => {
  it('delivers one event at a time in order; caughtUp waits for the events before the server’s caught-up message', async () => {
    const call = new FakeCall();
    const { client, requests } = fakeSubscribeClient([call]);
    const received: RecordedEvent[] = [];
    let active = 0;
    let maxActive = 0;
    const subscription = subscribe(client, async (event) => {
      maxActive = Math.max(maxActive, ++active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      received.push(event);
      active--;
    });
    const history = [1, 2, 3].map((i) => recorded(`conversation-${i}`, 0, at(i * 100)));
    call.send(message.confirmation(), ...history.map(message.event), message.caughtUp());
    await subscription.ready;
    await subscription.caughtUp;
    expect(received.map((e) => e.position)).toEqual(history.map((e) => encodePosition(e.position)));
    const live = recorded('conversation-4', 0, at(400));
    call.send(message.event(live));
    await waitFor(() => received.length === 4);
    expect(maxActive).toBe(1);
    expect(requests[0].fromPosition).toBe(ESDB_START);
    expect(requests[0].filter).toMatchObject({ filterOn: 'streamName' });
    await subscription.close();
    expect(call.cancelled).toBe(true);
  });

  it('skips events up to `after` and those not deliverable; checkpoints move `committed` only once all delivered events are committed', async () => {
    const call = new FakeCall();
    const { client, requests } = fakeSubscribeClient([call]);
    const received: RecordedEvent[] = [];
    const after = encodePosition(at(100));
    const subscription = subscribe(client, (event) => void received.push(event), { after });
    expect(subscription.committed).toBe(after);
    call.send(
      message.confirmation(),
      message.event(recorded('conversation-0', 0, at(100))), // the start itself (exclusive)
      message.event(recorded('$stats-node', 0, at(110))),
      message.event(recorded('snapshot-conversation-1', 0, at(120))),
      message.event(recorded('conversation-1', 0, at(130))),
      message.checkpoint(at(200)),
      message.event(recorded('conversation-1', 1, at(210))),
    );
    await waitFor(() => received.length === 2);
    expect(requests[0].fromPosition).toEqual(at(100));
    expect(received.map((e) => e.streamId)).toEqual(['conversation-1', 'conversation-1']);
    // The checkpoint at 200 came after an event nobody had committed yet: not taken.
    expect(subscription.committed).toBe(encodePosition(at(120)));
    await subscription.commit(received[1].position);
    expect(subscription.committed).toBe(encodePosition(at(210)));
    call.send(message.checkpoint(at(300)), message.event(recorded('$stats-node', 1, at(310))));
    await waitFor(() => subscription.committed === encodePosition(at(310)));
    await subscription.close();
  });

  it('a quiet filter still advances `committed` through checkpoints', async () => {
    const call = new FakeCall();
    const { client, requests } = fakeSubscribeClient([call]);
    const subscription = subscribe(client, () => undefined, { filter: { eventTypes: ['Rare'] } });
    call.send(
      message.confirmation(),
      message.checkpoint(at(1_000)),
      message.checkpoint(at(2_000, 1_990)),
    );
    await waitFor(() => subscription.committed === encodePosition(at(2_000, 1_990)));
    expect(requests[0].filter).toMatchObject({ filterOn: 'eventType', regex: '^(?:Rare)$' });
    await subscription.close();
  });

  it('retries a failing handler on the same event, never skipping it', async () => {
    const call = new FakeCall();
    const { client } = fakeSubscribeClient([call]);
    const attempts: string[] = [];
    const subscription = subscribe(client, (event) => {
      attempts.push(event.streamId);
      if (event.streamId === 'a' && attempts.length < 3) throw new Error('projection failed');
    });
    call.send(
      message.confirmation(),
      message.event(recorded('a', 0, at(10))),
      message.event(recorded('b', 0, at(20))),
    );
    await waitFor(() => attempts.includes('b'));
    expect(attempts).toEqual(['a', 'a', 'a', 'b']);
    await subscription.close();
  });

  it('rejects `ready` when the subscription cannot be established', async () => {
    const { client } = fakeSubscribeClient(['refused']);
    const subscription = subscribe(client, () => undefined);
    await expect(subscription.ready).rejects.toThrow('ECONNREFUSED');
    await expect(subscription.caughtUp).rejects.toThrow('ECONNREFUSED');
    await subscription.close();
  });

  it('after a drop, resubscribes from the last event seen (not from a later checkpoint) without duplicates', async () => {
    const first = new FakeCall();
    const second = new FakeCall();
    const { client, requests } = fakeSubscribeClient([first, second]);
    const received: RecordedEvent[] = [];
    const subscription = subscribe(client, (event) => void received.push(event));
    first.send(
      message.confirmation(),
      message.event(recorded('a', 0, at(10))),
      message.checkpoint(at(50)),
    );
    await waitFor(() => received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    first.stream.destroy(Object.assign(new Error('connection reset'), { code: 14 }));
    await waitFor(() => requests.length === 2, 2_000);
    expect(requests[1].fromPosition).toEqual(at(10));
    second.send(
      message.confirmation(),
      message.event(recorded('a', 0, at(10))), // repeated by the server: not delivered twice
      message.event(recorded('b', 0, at(60))),
    );
    await waitFor(() => received.length === 2);
    expect(received.map((e) => e.streamId)).toEqual(['a', 'b']);
    await subscription.close();
  });

  it('without a caught-up message from the server, caughtUp follows the head of $all read at ready', async () => {
    const call = new FakeCall();
    const head = recorded('b', 0, at(20));
    const { client } = fakeSubscribeClient([call], head);
    const received: RecordedEvent[] = [];
    const subscription = subscribe(client, async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      received.push(event);
    });
    let caughtUp = false;
    void subscription.caughtUp.then(() => (caughtUp = true));
    call.send(message.confirmation(), message.event(recorded('a', 0, at(10))));
    await waitFor(() => received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(caughtUp).toBe(false);
    call.send(message.event(head));
    await subscription.caughtUp;
    expect(received).toHaveLength(2);
    await subscription.close();
  });

  it('close() stops a handler in retry, resolves once it is no longer running, and nothing is delivered after', async () => {
    const call = new FakeCall();
    const { client } = fakeSubscribeClient([call]);
    let calls = 0;
    const subscription = subscribe(client, () => {
      calls++;
      throw new Error('always failing');
    });
    call.send(message.confirmation(), message.event(recorded('a', 0, at(10))));
    await waitFor(() => calls >= 1);
    await subscription.close();
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(calls).toBe(after);
    expect(call.cancelled).toBe(true);
  });

  it('close() before the server answers rejects `ready` instead of leaving it pending', async () => {
    const { client } = fakeSubscribeClient([new FakeCall()]);
    const subscription = subscribe(client, () => undefined);
    await subscription.close();
    await expect(subscription.ready).rejects.toThrow('subscription closed');
  });
});

// ---------------------------------------------------------------------------------------------

describe('EventStoreDbSnapshotStore on a fake client', () => {
  /** One snapshot stream with the server's expected-revision check. */
  function fakeSnapshotServer() {
    const streams = new Map<string, { data: unknown }[]>();
    const metadata = new Map<string, unknown>();
    let interleave: (() => Promise<void>) | undefined;
    const { client } = fakeClient({
      readStream: (stream: string) => {
        const events = streams.get(stream);
        if (!events) return iterate([], new StreamNotFoundError(undefined, stream));
        const revision = events.length - 1;
        return iterate([
          { event: { ...recorded(stream, revision, at(1)), data: events[revision].data } },
        ]);
      },
      appendToStream: async (
        stream: string,
        event: EventData,
        options: { expectedRevision: unknown },
      ) => {
        const hook = interleave;
        interleave = undefined;
        await hook?.();
        const events = streams.get(stream);
        const current = events ? BigInt(events.length - 1) : NO_STREAM;
        if (current !== options.expectedRevision) {
          throw new WrongExpectedVersionError(undefined, {
            streamName: stream,
            expected: options.expectedRevision as bigint,
            current,
          });
        }
        streams.set(stream, [...(events ?? []), { data: event.data }]);
        return { success: true, nextExpectedRevision: BigInt(streams.get(stream)!.length - 1) };
      },
      setStreamMetadata: async (stream: string, value: unknown) => {
        metadata.set(stream, value);
        return { success: true, nextExpectedRevision: 0n };
      },
    });
    return {
      client,
      streams,
      metadata,
      interleaveNextAppend: (f: () => Promise<void>) => (interleave = f),
    };
  }

  const snapshot = (revision: number): StreamSnapshot => ({
    revision,
    hash: `hash-${revision}`,
    schemaVersion: 1,
    state: { members: ['a', 'b'], revision },
  });

  it('saves into snapshot-<streamId> (with $maxCount 1) and loads the latest', async () => {
    const server = fakeSnapshotServer();
    const store = new EventStoreDbSnapshotStore(server.client);
    expect(await store.load('conversation-1')).toBeUndefined();
    await store.save('conversation-1', snapshot(10));
    expect(server.metadata.get('snapshot-conversation-1')).toEqual({ maxCount: 1 });
    expect(await store.load('conversation-1')).toEqual(snapshot(10));
    await store.save('conversation-1', snapshot(25));
    expect(await store.load('conversation-1')).toEqual(snapshot(25));
  });

  it('never moves a snapshot backwards, also when another saver wins the race', async () => {
    const server = fakeSnapshotServer();
    const store = new EventStoreDbSnapshotStore(server.client);
    await store.save('s', snapshot(20));
    await store.save('s', snapshot(10));
    await store.save('s', snapshot(20));
    expect(await store.load('s')).toEqual(snapshot(20));
    expect(server.streams.get('snapshot-s')).toHaveLength(1);
    // A concurrent saver stores 40 between our read and our append of 30: ours is dropped.
    server.interleaveNextAppend(async () => {
      server.streams.get('snapshot-s')!.push({ data: snapshot(40) });
    });
    await store.save('s', snapshot(30));
    expect(await store.load('s')).toEqual(snapshot(40));
  });
});

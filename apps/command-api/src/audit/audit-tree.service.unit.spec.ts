import { generateAuditKeyPair, signCheckpoint } from '../../../../libs/audit/src/signed-checkpoint';
import {
  EventStore,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../../../../libs/event-store/src/event-store.port';
import { padU64 } from '../../../../libs/event-store/src/position';
import { createLogger } from '../../../../libs/platform/src/logger';
import { AuditTree } from './audit-tree.service';

const keys = generateAuditKeyPair();
const sign = (c: Parameters<typeof signCheckpoint>[0]) => signCheckpoint(c, keys.privateKeyPem);

const event = (i: number, hash = i.toString(16).padStart(64, '0')): RecordedEvent => ({
  streamId: 's',
  revision: i - 1,
  position: padU64(i),
  type: 'T',
  data: {},
  metadata: {
    eventId: `e${i}`,
    schemaVersion: 1,
    correlationId: 'c',
    causationId: 'c',
    actor: 'a',
    timestamp: '2025-01-01T00:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash,
  },
});

/** A store whose subscriptions the test drives by hand. */
function drivenStore() {
  const subscriptions: {
    options: SubscribeOptions;
    handler: (e: RecordedEvent) => unknown;
    catchUp: () => void;
    fail: (err: Error) => void;
    closed: boolean;
  }[] = [];
  const store = {
    subscribeToAll(
      options: SubscribeOptions,
      handler: (e: RecordedEvent) => unknown,
    ): Subscription {
      let catchUp!: () => void;
      let fail!: (err: Error) => void;
      const caughtUp = new Promise<void>((r) => (catchUp = r));
      const ready = new Promise<void>((resolve, reject) => {
        fail = reject;
        void caughtUp.then(resolve);
      });
      const entry = { options, handler, catchUp, fail, closed: false };
      subscriptions.push(entry);
      return {
        ready,
        caughtUp,
        committed: '',
        commit: async () => undefined,
        close: async () => {
          entry.closed = true;
        },
      };
    },
  } as unknown as EventStore;
  return { store, subscriptions };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('AuditTree (the in-process tree fed by a subscription from START)', () => {
  const logger = createLogger('silent');

  it('answers 503 while it reads the log, then signs the tree it has once caught up', async () => {
    const { store, subscriptions } = drivenStore();
    const tree = new AuditTree(store, logger);
    expect(tree.status().state).toBe('idle');
    tree.onApplicationBootstrap();
    expect(subscriptions[0].options.after).toBe('');
    for (let i = 1; i <= 3; i++) subscriptions[0].handler(event(i));
    expect(tree.status()).toMatchObject({ state: 'building', size: 3 });
    expect(() => tree.checkpoint(sign)).toThrow(
      expect.objectContaining({ code: 'audit_unavailable', status: 503 }),
    );
    expect(() => tree.checkpoint(sign)).toThrow(/still reading the event log \(3 events so far\)/);
    subscriptions[0].catchUp();
    await flush();
    expect(tree.status()).toMatchObject({ state: 'ready', size: 3, lastPosition: padU64(3) });
    expect(tree.checkpoint(sign)).toMatchObject({ treeSize: 3 });
    subscriptions[0].handler(event(4));
    expect(tree.checkpoint(sign)).toMatchObject({ treeSize: 4 });
    await tree.beforeApplicationShutdown();
    expect(subscriptions[0].closed).toBe(true);
    await tree.onApplicationShutdown(); // idempotent
  });

  it('stops, and says why, at an event without a valid hash', async () => {
    const { store, subscriptions } = drivenStore();
    const tree = new AuditTree(store, logger);
    tree.onApplicationBootstrap();
    subscriptions[0].handler(event(1));
    subscriptions[0].handler(event(2, 'not-a-hash'));
    subscriptions[0].handler(event(3));
    await flush();
    expect(tree.status()).toMatchObject({ state: 'failed', size: 1 });
    expect(subscriptions[0].closed).toBe(true);
    expect(() => tree.checkpoint(sign)).toThrow(/position 00000000000000000002 .*no valid hash/);
  });

  it('subscribes again from where it was when the store refuses a subscription', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const { store, subscriptions } = drivenStore();
      const tree = new AuditTree(store, logger);
      tree.onApplicationBootstrap();
      subscriptions[0].handler(event(1));
      subscriptions[0].fail(new Error('connection refused'));
      await flush();
      expect(subscriptions[0].closed).toBe(true);
      jest.advanceTimersByTime(5_000);
      expect(subscriptions).toHaveLength(2);
      expect(subscriptions[1].options.after).toBe(padU64(1));
      await tree.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});

import { GatewaySignal, SignalBus } from '../update-bus.port';
import { eventually, sleep } from './wait';

export interface SignalBusFixture {
  /** A bus on this test's channel, as another gateway process would open it (in-process: the one bus). */
  open(): Promise<SignalBus>;
  /** How long to wait before concluding that a signal will NOT arrive. */
  quietMs: number;
  /** Closes every bus opened. */
  close(): Promise<void>;
}

const typing = (userId: string): GatewaySignal => ({
  type: 'typing',
  conversationId: 'c1',
  userId,
  recipients: ['alice', 'bob'],
});

const presence = (userId: string): GatewaySignal => ({
  type: 'presence',
  userId,
  online: true,
  lastSeenAt: '2025-01-01T00:00:00.000Z',
  recipients: ['alice'],
});

/** The guarantees of SignalBus (update-bus.port.ts), run against every adapter. */
export function describeSignalBusContract(
  name: string,
  make: () => Promise<SignalBusFixture> | SignalBusFixture,
): void {
  describe(`SignalBus contract: ${name}`, () => {
    let fixture: SignalBusFixture;
    let publisher: SignalBus;
    const subscribed = async (bus: SignalBus) => {
      const seen: GatewaySignal[] = [];
      const subscription = bus.subscribe((s) => seen.push(s));
      await subscription.ready;
      return { seen, subscription };
    };
    const users = (seen: GatewaySignal[]) => seen.map((s) => s.userId);

    beforeEach(async () => {
      fixture = await make();
      publisher = await fixture.open();
    });
    afterEach(() => fixture.close());

    it('every ready subscription of every gateway receives each signal, unchanged', async () => {
      const [gatewayA, gatewayB] = [await fixture.open(), await fixture.open()];
      const subs = [
        await subscribed(gatewayA),
        await subscribed(gatewayA),
        await subscribed(gatewayB),
      ];
      publisher.publish(typing('ann'));
      publisher.publish(presence('bob'));
      for (const { seen } of subs) {
        await eventually(() => seen.length >= 2, 'both signals');
        expect(seen).toEqual([typing('ann'), presence('bob')]);
      }
    });

    it('signals are never stored: a subscription gets nothing published before it was ready', async () => {
      const early = await subscribed(await fixture.open());
      publisher.publish(typing('before'));
      await eventually(() => early.seen.length === 1, 'the first signal');
      const late = await subscribed(await fixture.open());
      publisher.publish(typing('after'));
      await eventually(() => late.seen.length >= 1, 'the signal after ready');
      await sleep(fixture.quietMs);
      expect(users(late.seen)).toEqual(['after']);
    });

    it('close stops delivery to that subscription only', async () => {
      const bus = await fixture.open();
      const [closing, staying] = [await subscribed(bus), await subscribed(bus)];
      await closing.subscription.close();
      await closing.subscription.close(); // idempotent
      publisher.publish(typing('ann'));
      await eventually(() => staying.seen.length === 1, 'the signal');
      await sleep(fixture.quietMs);
      expect(closing.seen).toEqual([]);
    });

    it('a throwing handler breaks neither the others nor the publisher', async () => {
      const bus = await fixture.open();
      await bus.subscribe(() => {
        throw new Error('handler bug');
      }).ready;
      const other = await subscribed(bus);
      expect(() => publisher.publish(typing('ann'))).not.toThrow();
      publisher.publish(typing('bob'));
      await eventually(() => other.seen.length === 2, 'both signals');
    });

    it('publish after close neither throws nor delivers', async () => {
      const bus = await fixture.open();
      const { seen } = await subscribed(bus);
      await bus.close();
      expect(() => bus.publish(typing('ann'))).not.toThrow();
      await sleep(fixture.quietMs);
      expect(seen).toEqual([]);
    });
  });
}

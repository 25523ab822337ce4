import { ProjectionUpdate } from '../../../domain/src';
import { BusSubscription, UpdateBus } from '../update-bus.port';
import { Received, conversationOf, updateMaker } from './update-fixtures';
import { eventually, sleep } from './wait';

export interface UpdateBusFixture {
  /**
   * A bus on this test's topic, as another process would open it (Kafka: its own client and
   * consumer groups). In-process: the one bus of the process, every time.
   */
  open(): Promise<UpdateBus>;
  /** How long to wait before concluding that an update will NOT arrive. */
  quietMs: number;
  /** Closes every bus opened. */
  close(): Promise<void>;
}

/**
 * The guarantees of UpdateBus (update-bus.port.ts), run against every adapter. `make` gives a
 * fresh fixture (its own topic) per test.
 */
export function describeUpdateBusContract(
  name: string,
  make: () => Promise<UpdateBusFixture> | UpdateBusFixture,
): void {
  describe(`UpdateBus contract: ${name}`, () => {
    let fixture: UpdateBusFixture;
    let publisher: UpdateBus;
    const update = updateMaker();
    /** Subscribes and waits until it receives. */
    const subscribed = async (bus: UpdateBus, received = new Received()) => {
      const subscription = bus.subscribe(received.handler);
      await subscription.ready;
      return { received, subscription };
    };

    beforeEach(async () => {
      fixture = await make();
      publisher = await fixture.open();
    });
    afterEach(() => fixture.close());

    it('every subscription of every gateway receives every update, in order per conversation', async () => {
      const [gatewayA, gatewayB] = [await fixture.open(), await fixture.open()];
      const subs = [
        await subscribed(gatewayA),
        await subscribed(gatewayA),
        await subscribed(gatewayB),
      ];
      const conversations = ['c1', 'c2', 'c3', 'c4'];
      const published: ProjectionUpdate[] = [];
      for (let batch = 0; batch < 5; batch++) {
        const updates = Array.from({ length: 30 }, (_, i) => update(conversations[i % 4]));
        published.push(...updates);
        await publisher.publish(updates);
      }
      for (const { received } of subs) {
        await eventually(() => received.hasAll(published), 'every update');
        for (const c of conversations)
          expect(received.firstArrivals(c)).toEqual(
            published.filter((u) => conversationOf(u) === c).map((u) => u.position),
          );
      }
    });

    it('a subscription receives what is published right after it is ready', async () => {
      for (let round = 0; round < 3; round++) {
        const { received } = await subscribed(await fixture.open());
        const next = update('c1');
        await publisher.publish([next]);
        await eventually(() => received.has(next), `round ${round}`);
      }
    });

    it('a new subscription starts at the latest update: it never receives older ones', async () => {
      const early = await subscribed(await fixture.open());
      const before = update('c1');
      await publisher.publish([before]);
      await eventually(() => early.received.has(before), 'the first update');
      const late = await subscribed(await fixture.open());
      const after = update('c1');
      await publisher.publish([after]);
      await eventually(() => late.received.has(after), 'the update after ready');
      await sleep(fixture.quietMs);
      expect(late.received.has(before)).toBe(false);
    });

    it('close stops delivery to that subscription only; a new one receives again', async () => {
      const bus = await fixture.open();
      const [closing, staying] = [await subscribed(bus), await subscribed(bus)];
      const first = update('c1');
      await publisher.publish([first]);
      await eventually(() => closing.received.hasAll([first]), 'the first update');
      await closing.subscription.close();
      await closing.subscription.close(); // idempotent
      const second = update('c1');
      await publisher.publish([second]);
      await eventually(() => staying.received.has(second), 'the second update');
      const restarted = await subscribed(await fixture.open());
      const third = update('c1');
      await publisher.publish([third]);
      await eventually(() => restarted.received.has(third), 'the third update');
      await sleep(fixture.quietMs);
      expect(closing.received.has(second) || closing.received.has(third)).toBe(false);
    });

    it('a throwing handler is skipped: it and the others still get what follows', async () => {
      const bus = await fixture.open();
      let calls = 0;
      const thrower: BusSubscription = bus.subscribe(() => {
        calls++;
        if (calls === 1) throw new Error('handler bug');
      });
      await thrower.ready;
      const other = await subscribed(bus);
      const updates = [update('c1'), update('c1')];
      await publisher.publish(updates);
      await eventually(() => other.received.hasAll(updates) && calls >= 2, 'both updates');
    });

    it('publishing nothing resolves', async () => {
      await expect(publisher.publish([])).resolves.toBeUndefined();
    });
  });
}

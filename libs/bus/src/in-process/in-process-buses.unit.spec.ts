import { ProjectionUpdate } from '../../../domain/src';
import { padU64 } from '../../../event-store/src/position';
import { GatewaySignal } from '../update-bus.port';
import { InProcessSignalBus } from './in-process-signal-bus';
import { InProcessUpdateBus } from './in-process-update-bus';

/** The update of the n-th event (positions are opaque strings; specs use padded ones). */
const update = (n: number): ProjectionUpdate => ({
  type: 'receipt',
  position: padU64(n),
  recipients: ['alice'],
  conversationId: 'c1',
  userId: 'bob',
  deliveredSeq: n,
  readSeq: 0,
});

const recordingLogger = () => {
  const errors: unknown[] = [];
  return { errors, logger: { error: (obj: unknown) => void errors.push(obj) } };
};

describe('InProcessUpdateBus', () => {
  it('delivers every update to every subscriber, in publish order, before publish resolves', async () => {
    const bus = new InProcessUpdateBus();
    const a: string[] = [];
    const b: string[] = [];
    bus.subscribe((u) => a.push(u.position));
    bus.subscribe((u) => b.push(u.position));
    const published = bus.publish([update(1), update(2), update(3)]);
    expect(a).toEqual([padU64(1), padU64(2), padU64(3)]);
    await published;
    expect(b).toEqual([padU64(1), padU64(2), padU64(3)]);
  });

  it('a throwing subscriber is logged and breaks neither the others nor the publisher', async () => {
    const { errors, logger } = recordingLogger();
    const bus = new InProcessUpdateBus(logger);
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((u) => seen.push(u.position));
    await expect(bus.publish([update(1), update(2)])).resolves.toBeUndefined();
    expect(seen).toEqual([padU64(1), padU64(2)]);
    expect(errors).toHaveLength(2);
  });

  it('closing a subscription stops delivery to that handler only, and close stops all', async () => {
    const bus = new InProcessUpdateBus();
    const a: string[] = [];
    const b: string[] = [];
    const subscription = bus.subscribe((u) => a.push(u.position));
    bus.subscribe((u) => b.push(u.position));
    await bus.publish([update(1)]);
    await subscription.close();
    await bus.publish([update(2)]);
    await bus.close();
    await bus.publish([update(3)]);
    expect(a).toEqual([padU64(1)]);
    expect(b).toEqual([padU64(1), padU64(2)]);
  });

  it('the same handler subscribed twice is delivered twice and closed independently', async () => {
    const bus = new InProcessUpdateBus();
    const seen: string[] = [];
    const handler = (u: ProjectionUpdate) => void seen.push(u.position);
    const first = bus.subscribe(handler);
    bus.subscribe(handler);
    await first.close();
    await bus.publish([update(1)]);
    expect(seen).toEqual([padU64(1)]);
  });
});

describe('InProcessSignalBus', () => {
  const typing: GatewaySignal = {
    type: 'typing',
    conversationId: 'c1',
    userId: 'bob',
    recipients: ['alice'],
  };

  it('fans out synchronously and survives a throwing subscriber', () => {
    const { errors, logger } = recordingLogger();
    const bus = new InProcessSignalBus(logger);
    const seen: GatewaySignal[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((s) => seen.push(s));
    bus.publish(typing);
    expect(seen).toEqual([typing]);
    expect(errors).toHaveLength(1);
  });

  it('delivers nothing after close', async () => {
    const bus = new InProcessSignalBus();
    const seen: GatewaySignal[] = [];
    bus.subscribe((s) => seen.push(s));
    await bus.close();
    bus.publish(typing);
    expect(seen).toEqual([]);
  });
});

import { ProjectionUpdate } from '../../../domain/src';
import { Signal } from '../update-bus.port';
import { InProcessSignalBus } from './in-process-signal-bus';
import { InProcessUpdateBus } from './in-process-update-bus';

const update = (position: number): ProjectionUpdate => ({
  type: 'receipt',
  position,
  recipients: ['alice'],
  conversationId: 'c1',
  userId: 'bob',
  deliveredSeq: position,
  readSeq: 0,
});

const recordingLogger = () => {
  const errors: unknown[] = [];
  return { errors, logger: { error: (obj: unknown) => void errors.push(obj) } };
};

describe('InProcessUpdateBus', () => {
  it('delivers every update to every subscriber, in publish order, before publish resolves', async () => {
    const bus = new InProcessUpdateBus();
    const a: number[] = [];
    const b: number[] = [];
    bus.subscribe((u) => a.push(u.position));
    bus.subscribe((u) => b.push(u.position));
    const published = bus.publish([update(1), update(2), update(3)]);
    expect(a).toEqual([1, 2, 3]);
    await published;
    expect(b).toEqual([1, 2, 3]);
  });

  it('a throwing subscriber is logged and breaks neither the others nor the publisher', async () => {
    const { errors, logger } = recordingLogger();
    const bus = new InProcessUpdateBus(logger);
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((u) => seen.push(u.position));
    await expect(bus.publish([update(1), update(2)])).resolves.toBeUndefined();
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
  });

  it('unsubscribe stops delivery to that handler only, and close stops all', async () => {
    const bus = new InProcessUpdateBus();
    const a: number[] = [];
    const b: number[] = [];
    const unsubscribe = bus.subscribe((u) => a.push(u.position));
    bus.subscribe((u) => b.push(u.position));
    await bus.publish([update(1)]);
    unsubscribe();
    await bus.publish([update(2)]);
    await bus.close();
    await bus.publish([update(3)]);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('the same handler subscribed twice is delivered twice and unsubscribed independently', async () => {
    const bus = new InProcessUpdateBus();
    const seen: number[] = [];
    const handler = (u: ProjectionUpdate) => void seen.push(u.position);
    const first = bus.subscribe(handler);
    bus.subscribe(handler);
    first();
    await bus.publish([update(1)]);
    expect(seen).toEqual([1]);
  });
});

describe('InProcessSignalBus', () => {
  const typing: Signal = {
    type: 'typing',
    conversationId: 'c1',
    userId: 'bob',
    recipients: ['alice'],
  };

  it('fans out synchronously and survives a throwing subscriber', () => {
    const { errors, logger } = recordingLogger();
    const bus = new InProcessSignalBus(logger);
    const seen: Signal[] = [];
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
    const seen: Signal[] = [];
    bus.subscribe((s) => seen.push(s));
    await bus.close();
    bus.publish(typing);
    expect(seen).toEqual([]);
  });
});

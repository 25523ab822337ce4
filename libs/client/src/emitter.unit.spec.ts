import { Emitter } from './emitter';

describe('Emitter', () => {
  it('calls handlers in order, and on() returns an unsubscribe function', () => {
    const e = new Emitter<{ n: number }>();
    const seen: string[] = [];
    const off = e.on('n', (n) => seen.push(`a${n}`));
    e.on('n', (n) => seen.push(`b${n}`));
    e.emit('n', 1);
    off();
    e.emit('n', 2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('a throwing handler does not stop the others (the error is rethrown asynchronously)', async () => {
    const e = new Emitter<{ x: void }>();
    let reached = false;
    e.on('x', () => {
      throw new Error('boom');
    });
    e.on('x', () => (reached = true));
    const rethrown = new Promise<unknown>((resolve) => {
      const original = globalThis.queueMicrotask;
      globalThis.queueMicrotask = (cb) => {
        globalThis.queueMicrotask = original;
        try {
          cb();
        } catch (err) {
          resolve(err);
        }
      };
    });
    e.emit('x', undefined);
    expect(reached).toBe(true);
    await expect(rethrown).resolves.toMatchObject({ message: 'boom' });
  });
});

import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  /** A follower over `buffer` that records its wakes and lets a test await the next one. */
  function follower(buffer: SharedArrayBuffer) {
    let stopped = false;
    let wakes = 0;
    let notify: () => void = () => undefined;
    const signal = new WakeSignal(buffer);
    const done = signal.follow(
      () => {
        wakes++;
        notify();
      },
      () => stopped,
    );
    return {
      get wakes() {
        return wakes;
      },
      nextWake: () => new Promise<void>((resolve) => (notify = resolve)),
      stop: async () => {
        stopped = true;
        signal.release();
        await done;
      },
    };
  }

  it('wakes the follower of the same buffer on every bump, coalescing bumps made meanwhile', async () => {
    const main = new WakeSignal();
    const worker = follower(main.buffer);
    let woke = worker.nextWake();
    main.bump();
    await woke;
    expect(worker.wakes).toBe(1);

    woke = worker.nextWake();
    main.bump();
    main.bump();
    main.bump();
    await woke;
    expect(worker.wakes).toBe(2); // three bumps before the follower ran: one wake

    await worker.stop();
    expect(worker.wakes).toBe(2); // release() ends the wait without a wake
  });

  it('does not lose a bump made while the follower was busy in its wake', async () => {
    const main = new WakeSignal();
    let stopped = false;
    const seen: number[] = [];
    let second!: () => void;
    const secondWake = new Promise<void>((resolve) => (second = resolve));
    const worker = new WakeSignal(main.buffer);
    const done = worker.follow(
      () => {
        seen.push(seen.length);
        if (seen.length === 1)
          main.bump(); // arrives before the next wait starts
        else second();
      },
      () => stopped,
    );
    main.bump();
    await secondWake;
    expect(seen).toEqual([0, 1]);
    stopped = true;
    worker.release();
    await done;
  });
});

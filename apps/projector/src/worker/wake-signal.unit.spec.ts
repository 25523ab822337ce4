import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  /** A follower over `buffer` that records its wakes and lets a test await the next one. */
  function follower(
    buffer: SharedArrayBuffer,
    options: { hotPollMs?: number; hotForMs?: number } = { hotPollMs: 0 },
  ) {
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
      options,
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
      { hotPollMs: 0 },
    );
    main.bump();
    await secondWake;
    expect(seen).toEqual([0, 1]);
    stopped = true;
    worker.release();
    await done;
  });

  it('while bumps keep coming, polls on its own (a busy bumper cannot delay it), then goes back to waiting', async () => {
    const main = new WakeSignal();
    const worker = follower(main.buffer, { hotPollMs: 2, hotForMs: 60 });
    const woke = worker.nextWake();
    main.bump();
    await woke;
    const deadline = Date.now() + 2_000;
    while (worker.wakes < 6 && Date.now() < deadline) await sleep(5);
    expect(worker.wakes).toBeGreaterThanOrEqual(6); // woke every ~2 ms without a bump
    await sleep(300); // well past hotForMs
    const settled = worker.wakes;
    await sleep(100);
    expect(worker.wakes).toBe(settled); // cold again: no wake without a bump

    const again = worker.nextWake();
    main.bump(); // notifies the waiting follower
    await again;
    expect(worker.wakes).toBe(settled + 1);
    await worker.stop();
  });

  it('loses no bump made around the moment the follower cools down', async () => {
    for (let round = 0; round < 20; round++) {
      const main = new WakeSignal();
      const worker = follower(main.buffer, { hotPollMs: 1, hotForMs: 5 });
      const first = worker.nextWake();
      main.bump();
      await first;
      await sleep(4 + (round % 4)); // bump around the moment it cools down
      const before = worker.wakes;
      const next = worker.nextWake();
      main.bump();
      await next; // would hang if the bump fell between the hot check and the wait
      expect(worker.wakes).toBeGreaterThan(before);
      await worker.stop();
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

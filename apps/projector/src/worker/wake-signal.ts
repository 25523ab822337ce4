/**
 * "Appends became durable" from the main thread to the projector worker without a message per
 * append: a shared counter the main thread bumps and the worker waits on asynchronously
 * (Atomics.waitAsync). A bump while the worker is busy is not lost: its next wait sees the value
 * changed and returns at once. Atomics.notify is the costly part (measured ~3% of the main
 * thread when called per append), so the worker raises a `waiting` flag before each wait and a
 * bump notifies only if it takes that flag down: one notify per wait, however many appends.
 * Sequentially consistent atomics make that safe: either the bump's add precedes the worker's
 * compare (no wait), or the worker's flag precedes the bump's exchange (notified).
 *
 * Hot mode: while bumps keep coming (within `hotForMs` of the last one), the worker does not
 * wait for them but wakes every `hotPollMs` and looks at the store itself, and bumps skip the
 * notify. A busy main thread then delays neither the projection (a commit's callback can wait
 * there behind a burst of requests for milliseconds) nor pays for a notify per commit; an idle
 * system goes back to waiting, at no cost. Leaving hot mode lowers `hot` before raising
 * `waiting` and comparing, so a bump that saw `hot` up is caught by that compare.
 */
export class WakeSignal {
  readonly buffer: SharedArrayBuffer;
  private readonly counter: Int32Array;

  constructor(buffer = new SharedArrayBuffer(12)) {
    this.buffer = buffer;
    this.counter = new Int32Array(buffer);
  }

  /** Main thread: new events are durable. */
  readonly bump = (): void => {
    Atomics.add(this.counter, COUNT, 1);
    if (Atomics.load(this.counter, HOT) === 1) return;
    if (Atomics.exchange(this.counter, WAITING, 0) === 1) Atomics.notify(this.counter, COUNT);
  };

  /**
   * Worker: calls `wake` after every change of the counter, and every `hotPollMs` while in hot
   * mode, until `stopped()` (call `release` after setting it). A pending wait does not keep the
   * thread alive.
   */
  async follow(
    wake: () => void,
    stopped: () => boolean,
    { hotPollMs = 1, hotForMs = 1000 }: { hotPollMs?: number; hotForMs?: number } = {},
  ): Promise<void> {
    let seen = Atomics.load(this.counter, COUNT);
    let hotUntil = 0;
    while (!stopped()) {
      const hot = hotPollMs > 0 && Date.now() < hotUntil;
      Atomics.store(this.counter, HOT, hot ? 1 : 0);
      if (!hot) Atomics.store(this.counter, WAITING, 1);
      const result = waitAsync(this.counter, COUNT, seen, hot ? hotPollMs : Infinity);
      if (result.async) await result.value;
      const count = Atomics.load(this.counter, COUNT);
      if (count !== seen) hotUntil = Date.now() + hotForMs;
      seen = count;
      if (!stopped()) wake();
    }
    Atomics.store(this.counter, HOT, 0);
  }

  /** Ends a pending wait (e.g. on stop). */
  release(): void {
    Atomics.notify(this.counter, COUNT);
  }
}

/** Int32 slots of the buffer. */
const COUNT = 0;
const WAITING = 1;
const HOT = 2;

/** Atomics.waitAsync (Node ≥ 16; typed in lib ES2024, newer than this project's ES2022 lib). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs?: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/**
 * "Appends became durable" from the main thread to the projector worker without a message per
 * append: a shared counter the main thread bumps (Atomics.add + notify, no serialization, no
 * event-loop task on the main thread) and the worker waits on asynchronously. A bump while the
 * worker is busy is not lost: its next wait sees the value changed and returns at once. Many
 * bumps while the worker is busy wake it once.
 */
export class WakeSignal {
  readonly buffer: SharedArrayBuffer;
  private readonly counter: Int32Array;

  constructor(buffer = new SharedArrayBuffer(4)) {
    this.buffer = buffer;
    this.counter = new Int32Array(buffer);
  }

  /** Main thread: new events are durable. */
  readonly bump = (): void => {
    Atomics.add(this.counter, 0, 1);
    Atomics.notify(this.counter, 0);
  };

  /**
   * Worker: calls `wake` after every change of the counter until `stopped()` (call `release`
   * after setting it). A pending wait does not keep the thread alive.
   */
  async follow(wake: () => void, stopped: () => boolean): Promise<void> {
    let seen = Atomics.load(this.counter, 0);
    while (!stopped()) {
      const result = waitAsync(this.counter, 0, seen);
      if (result.async) await result.value;
      seen = Atomics.load(this.counter, 0);
      if (!stopped()) wake();
    }
  }

  /** Ends a pending wait (e.g. on stop). */
  release(): void {
    Atomics.notify(this.counter, 0);
  }
}

/** Atomics.waitAsync (Node ≥ 16; typed in lib ES2024, newer than this project's ES2022 lib). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

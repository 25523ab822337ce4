import { sleep } from './server-process';

/**
 * Polls `probe` until `done(value)` holds (reads are eventually consistent: the projector
 * applies events shortly after they are acknowledged). Returns the last value or throws.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline)
      throw new Error(
        `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 2000)}`,
      );
    await sleep(20);
    value = await probe();
  }
  return value;
}

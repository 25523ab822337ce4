import { EventStore, RecordedEvent } from '../../../event-store/src/event-store.port';
import { StoreUnavailableError } from '../../../event-store/src/store-unavailable.error';
import { ReadModelStore } from '../../../read-models/src/read-model-store.port';
import { eventStoreCheck } from './event-store-check';
import { checkReadiness } from './health-check';
import { loadHealthSettings } from './health-settings';
import { projectionLagCheck } from './projection-lag-check';

describe('event-store check', () => {
  it('is ok while appends are accepted and names why they are refused otherwise', async () => {
    const store: { refused?: StoreUnavailableError } = {};
    const check = eventStoreCheck({ availability: () => store.refused });
    expect(await checkReadiness([check], 100)).toMatchObject({ status: 'ok' });
    store.refused = new StoreUnavailableError(
      'insufficient_storage',
      'free space 3.0 MiB is below…',
    );
    expect((await checkReadiness([check], 100)).components[0]).toEqual({
      component: 'event-store',
      status: 'failing',
      error: 'appends refused (insufficient_storage): free space 3.0 MiB is below…',
    });
  });
});

describe('projection-lag check', () => {
  const now = Date.parse('2026-01-01T00:00:30.000Z');
  const event = (position: string, timestamp: string) =>
    ({ position, metadata: { timestamp } }) as unknown as RecordedEvent;

  function stores(checkpoint: string, log: RecordedEvent[]) {
    const events = {
      readAll: async ({ after = '', maxCount }: { after?: string; maxCount: number }) =>
        log.filter((e) => e.position > after).slice(0, maxCount),
    } as unknown as EventStore;
    const readModels = { getCheckpoint: async () => checkpoint } as unknown as ReadModelStore;
    return { events, readModels };
  }

  it('measures the age of the oldest event after the read models’ checkpoint', async () => {
    const log = [
      event('01', '2026-01-01T00:00:00.000Z'),
      event('02', '2026-01-01T00:00:25.000Z'),
      event('03', '2026-01-01T00:00:29.000Z'),
    ];
    const lagging = stores('01', log);
    const check = projectionLagCheck(lagging.events, lagging.readModels, 4_000, () => now);
    await expect(check.check()).rejects.toThrow(
      'the oldest event not yet projected (position 02) is 5000 ms old, over the bound of 4000 ms',
    );
    const within = projectionLagCheck(lagging.events, lagging.readModels, 5_000, () => now);
    await expect(within.check()).resolves.toBeUndefined();
  });

  it('is ok when everything is projected, however old the last event is', async () => {
    const idle = stores('01', [event('01', '2020-01-01T00:00:00.000Z')]);
    const check = projectionLagCheck(idle.events, idle.readModels, 1, () => now);
    await expect(check.check()).resolves.toBeUndefined();
  });
});

describe('health settings', () => {
  it('defaults to a 10 s lag bound and a 64 MiB free-space reserve', () => {
    expect(loadHealthSettings({})).toEqual({
      projectionLagBoundMs: 10_000,
      minFreeBytes: 64 * 1024 * 1024,
    });
    expect(
      loadHealthSettings({ PROJECTION_LAG_READY_BOUND_MS: '0', DATA_DIR_MIN_FREE_MB: '4' }),
    ).toEqual({ projectionLagBoundMs: 0, minFreeBytes: 4 * 1024 * 1024 });
    expect(() => loadHealthSettings({ DATA_DIR_MIN_FREE_MB: '-1' })).toThrow(
      'DATA_DIR_MIN_FREE_MB must be a non-negative integer',
    );
  });
});

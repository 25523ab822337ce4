import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { BusSubscription, InProcessUpdateBus } from '../../../../libs/bus/src';
import { ProjectionUpdate } from '../../../../libs/domain/src';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { LmdbReadModelStore, ReadModelStore } from '../../../../libs/read-models/src';
import { snapshotOf } from '../../../../libs/read-models/src/testing/read-model-fixtures';
import { Projector, ProjectorDeps } from '../projector';

export const silentLogger = pino({ level: 'silent' });

/** Real LMDB event store and read models in a temp dir, an in-process bus, and a recorder. */
export class ProjectorHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'projector-'));
  readonly eventStore = LmdbEventStore.open(join(this.dir, 'events'), { logger: silentLogger });
  readonly readModels: ReadModelStore;
  readonly bus = new InProcessUpdateBus(silentLogger);
  readonly updates: ProjectionUpdate[] = [];
  /** Records every update (in-process: ready at once). */
  private readonly recorder: BusSubscription;
  private readonly projectors: Projector[] = [];
  private readonly extraStores: ReadModelStore[] = [];

  constructor() {
    this.readModels = this.openReadModels('read-models');
    this.recorder = this.bus.subscribe((update) => this.updates.push(update));
  }

  openReadModels(name: string): ReadModelStore {
    const store = LmdbReadModelStore.open(join(this.dir, name));
    this.extraStores.push(store);
    return store;
  }

  projector(overrides: Partial<ProjectorDeps> = {}): Projector {
    const projector = new Projector({
      eventStore: this.eventStore,
      readModels: this.readModels,
      updateBus: this.bus,
      logger: silentLogger,
      retryDelayMs: 5,
      ...overrides,
    });
    this.projectors.push(projector);
    return projector;
  }

  snapshot(store: ReadModelStore = this.readModels): Promise<object> {
    return snapshotOf(store, ['c1', 'c2', 'c3'], ['alice', 'bob', 'carol', 'dave']);
  }

  async cleanup(): Promise<void> {
    for (const projector of this.projectors) await projector.stop();
    await this.recorder.close();
    await this.bus.close();
    await this.eventStore.close();
    for (const store of this.extraStores) await store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

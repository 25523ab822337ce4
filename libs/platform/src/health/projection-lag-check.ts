import { EventStore } from '../../../event-store/src/event-store.port';
import { ReadModelStore } from '../../../read-models/src/read-model-store.port';
import { HealthCheck } from './health-check';

/**
 * `projection-lag`: failing while the oldest event not yet projected is older than `boundMs`,
 * i.e. the first event of the log after the read models' checkpoint, aged by its timestamp
 * (taken when its command was decided, just before the append). Unlike the projector's own lag
 * observations (chat_projection_lag_seconds), which are made only when a batch is applied, this
 * keeps growing while projection is stalled for any reason (a dead worker, a stopped
 * subscription, failing writes), and it is 0 when everything is projected, however long ago the
 * last event was. Two reads per call.
 */
export function projectionLagCheck(
  events: EventStore,
  readModels: ReadModelStore,
  boundMs: number,
  now: () => number = Date.now,
): HealthCheck {
  return {
    component: 'projection-lag',
    check: async () => {
      const checkpoint = await readModels.getCheckpoint();
      const [oldest] = await events.readAll({ after: checkpoint, maxCount: 1 });
      if (!oldest) return;
      const ageMs = now() - Date.parse(oldest.metadata.timestamp);
      if (ageMs > boundMs)
        throw new Error(
          `the oldest event not yet projected (position ${oldest.position}) is ${ageMs} ms old, over the bound of ${boundMs} ms`,
        );
    },
  };
}

import { HealthCheck } from './health-check';

/** A store that can tell why it refuses appends right now (LmdbEventStore). */
export interface ReportsAvailability {
  availability(): { code: string; reason: string } | undefined;
}

/**
 * `event-store`: failing while appends are refused (the disk is short of space, a commit failed
 * and the store has not recovered yet, the store is closed), with the store's reason.
 */
export function eventStoreCheck(store: ReportsAvailability): HealthCheck {
  return {
    component: 'event-store',
    check: async () => {
      const refused = store.availability();
      if (refused) throw new Error(`appends refused (${refused.code}): ${refused.reason}`);
    },
  };
}

import { Histogram, register } from 'prom-client';

export const PROJECTION_LAG_METRIC = 'chat_projection_lag_seconds';

/**
 * Time from an event's command timestamp to its read-model write being committed. Created
 * once on the default registry; reused if this module is evaluated twice in one process
 * (a second `new Histogram` with the same name would throw).
 */
export const projectionLag: Histogram =
  (register.getSingleMetric(PROJECTION_LAG_METRIC) as Histogram | undefined) ??
  new Histogram({
    name: PROJECTION_LAG_METRIC,
    help: 'Seconds from event timestamp to the projected read models being committed',
    // Fine below 50 ms, where the target (p99 ≤ 20 ms) and normal operation are.
    buckets: [
      0.001, 0.0025, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.0175, 0.02, 0.025, 0.03, 0.04, 0.05, 0.1,
      0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ],
  });

/** Lag in seconds of each event timestamp at `appliedAt` (unparsable timestamps are skipped). */
export function lagSeconds(timestamps: string[], appliedAt = Date.now()): number[] {
  const lags: number[] = [];
  for (const timestamp of timestamps) {
    const at = Date.parse(timestamp);
    if (Number.isFinite(at)) lags.push(Math.max(0, appliedAt - at) / 1000);
  }
  return lags;
}

export function observeLag(timestamps: string[], appliedAt = Date.now()): void {
  for (const seconds of lagSeconds(timestamps, appliedAt)) projectionLag.observe(seconds);
}

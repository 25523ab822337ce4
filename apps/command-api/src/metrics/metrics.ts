import { Counter, Histogram, collectDefaultMetrics, register } from 'prom-client';

let defaultsCollected = false;

/** Process metrics (CPU, memory, event loop lag, GC) on the default registry, registered once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics();
}

const singleton = <T>(name: string, make: () => T): T =>
  (register.getSingleMetric(name) as T | undefined) ?? make();

export const httpDuration = singleton(
  'http_request_duration_seconds',
  () =>
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status code',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
);

export const commandsTotal = singleton(
  'chat_commands_total',
  () =>
    new Counter({
      name: 'chat_commands_total',
      help: 'Conversation commands by type and outcome (appended, noop, refused, conflict, error)',
      labelNames: ['type', 'outcome'] as const,
    }),
);

export { register as metricsRegistry };

import { HealthCheck } from '../../../libs/platform/src/health/health-check';

/** The inline Projector or the worker's ProjectorThread: why it is not projecting, if it is not. */
export interface ReportsProjectorHealth {
  health(): string | undefined;
}

/**
 * `projector`: failing while the projector does not do its job: its worker thread died (until
 * a restarted one runs), its subscription is not running, or its batches keep failing.
 */
export function projectorCheck(projector: ReportsProjectorHealth): HealthCheck {
  return {
    component: 'projector',
    check: async () => {
      const failing = projector.health();
      if (failing) throw new Error(failing);
    },
  };
}

/**
 * Adds the projector's check to the process's HEALTH_CHECKS, when the infrastructure module
 * provides them (EmbeddedInfraModule; a process without readiness has none).
 */
export function registerProjectorCheck(
  checks: HealthCheck[] | undefined,
  projector: ReportsProjectorHealth,
): void {
  if (checks && !checks.some((c) => c.component === 'projector'))
    checks.push(projectorCheck(projector));
}

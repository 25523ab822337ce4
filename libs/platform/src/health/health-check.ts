/**
 * One component the app depends on, checked for readiness: an engine it must reach, a store
 * that must accept writes, a projector that must keep up. `check` rejects with the reason while
 * the component cannot do its job, and resolves again once it can (no restart needed).
 */
export interface HealthCheck {
  /** Named in the readiness answer, e.g. 'postgresql', 'event-store', 'projector'. */
  readonly component: string;
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol('HealthChecks');

export interface ComponentHealth {
  component: string;
  status: 'ok' | 'failing';
  error?: string;
}

export interface Readiness {
  status: 'ok' | 'unavailable';
  components: ComponentHealth[];
}

/** Runs every check at once, each bounded by `timeoutMs` (a hung engine counts as failing). */
export async function checkReadiness(checks: HealthCheck[], timeoutMs: number): Promise<Readiness> {
  const components = await Promise.all(checks.map((c) => runCheck(c, timeoutMs)));
  const ready = components.every((c) => c.status === 'ok');
  return { status: ready ? 'ok' : 'unavailable', components };
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { component: check.component, status: 'ok' };
  } catch (err) {
    return { component: check.component, status: 'failing', error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

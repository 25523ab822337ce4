import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HEALTH_CHECKS, HealthCheck, checkReadiness } from './health-check';

/** A check that does not answer within this is failing (a hung engine is not a ready one). */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * Liveness and readiness under the names Kubernetes users expect; /health is readiness.
 * Unauthenticated. Readiness runs every HEALTH_CHECKS check at each call and answers 503 naming
 * each failing component, and 200 again as soon as all of them recover (no restart needed).
 */
@Controller('health')
export class HealthController {
  constructor(@Optional() @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[] = []) {}

  /** The process runs and its event loop answers: restart it only when this fails. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(@Res() reply: FastifyReply): Promise<void> {
    return this.readiness(reply);
  }

  @Get()
  health(@Res() reply: FastifyReply): Promise<void> {
    return this.readiness(reply);
  }

  private async readiness(reply: FastifyReply): Promise<void> {
    const report = await checkReadiness(this.checks, CHECK_TIMEOUT_MS);
    reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }
}

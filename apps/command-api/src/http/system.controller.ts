import { Controller, Get, Header, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../../../libs/platform/src/app-error';
import {
  HEALTH_CHECKS,
  HealthCheck,
  Readiness,
  checkReadiness,
} from '../../../../libs/platform/src/health/health-check';
import { metricsRegistry } from '../metrics/metrics';

/** A check that does not answer within this is failing (a hung engine is not a ready one). */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * Health (Kubernetes names: /health/live, /health/ready; /health is readiness), Prometheus
 * metrics and the OpenAPI document: unauthenticated.
 */
@Controller()
export class SystemController {
  private readonly openapi = loadOpenApi();

  constructor(@Optional() @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[] = []) {}

  /** The process runs and its event loop answers: restart it only when this fails. */
  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 naming each failing component while any is; 200 again once all recover. */
  @Get('health/ready')
  ready(@Res() reply: FastifyReply): Promise<void> {
    return this.readiness(reply);
  }

  @Get('health')
  health(@Res() reply: FastifyReply): Promise<void> {
    return this.readiness(reply);
  }

  private async readiness(reply: FastifyReply): Promise<void> {
    const report: Readiness = await checkReadiness(this.checks, CHECK_TIMEOUT_MS);
    reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const text = await metricsRegistry.metrics();
    reply.header('content-type', metricsRegistry.contentType).send(text);
  }

  @Get('v1/openapi.yaml')
  @Header('content-type', 'application/yaml; charset=utf-8')
  openApi(): string {
    if (this.openapi === undefined)
      throw new AppError('not_found', 'docs/openapi.yaml is missing', 404);
    return this.openapi;
  }
}

/** docs/openapi.yaml, found upwards from this file (works from src and from dist). */
function loadOpenApi(): string | undefined {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return readFileSync(join(dir, 'docs', 'openapi.yaml'), 'utf8');
    } catch {
      // keep looking upwards
    }
  }
  return undefined;
}

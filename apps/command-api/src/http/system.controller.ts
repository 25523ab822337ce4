import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../../../libs/platform/src/app-error';
import { metricsRegistry } from '../metrics/metrics';

/** Prometheus metrics and the OpenAPI document: unauthenticated (health: HealthController). */
@Controller()
export class SystemController {
  private readonly openapi = loadOpenApi();

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

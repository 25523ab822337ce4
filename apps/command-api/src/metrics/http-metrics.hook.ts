import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FastPathServer } from '../../../../libs/platform/src/http/fast-path-server';
import { collectProcessMetrics, httpDuration } from './metrics';

/**
 * Times every HTTP request with Fastify's hooks (so 404s and body-parser refusals count too),
 * labelled by route pattern, never by raw URL (bounded label cardinality).
 */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    collectProcessMetrics();
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addHook !== 'function') return;
    const server: unknown = this.adapterHost.httpAdapter.getHttpServer();
    if (server instanceof FastPathServer)
      server.onFastResponse((method, route, status, seconds) =>
        httpDuration.observe({ method, route, status: String(status) }, seconds),
      );
    fastify.addHook(
      'onResponse',
      (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        httpDuration.observe(
          {
            method: request.method,
            route: request.routeOptions?.url ?? 'unmatched',
            status: String(reply.statusCode),
          },
          reply.elapsedTime / 1000,
        );
        done();
      },
    );
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { FastPathServer } from '../../../../libs/platform/src/http/fast-path-server';
import { TokenService } from '../../../../libs/platform/src/auth/token-service';
import { markDeliveredRoute, markReadRoute } from '../mark-receipt/mark-receipt.routes';
import { sendMessageRoute } from '../send-message/send-message.route';
import type { CommandRoute } from './command-route';
import { authenticate, commandContext } from './request-context';

/** The hottest routes (every message and receipt), see docs/architecture.md "ADR: hot command routes". */
export const HOT_COMMAND_ROUTES: readonly CommandRoute[] = [
  sendMessageRoute,
  markDeliveredRoute,
  markReadRoute,
];

type Request = FastifyRequest<{ Params: { id: string } }>;

/**
 * Registers HOT_COMMAND_ROUTES on the FastPathServer (ADR-16) and as plain Fastify routes
 * (ADR-9: no Nest execution context, guard, pipes, param decorators, interceptors, rxjs) for
 * the requests the fast path leaves to Fastify. Same order and outcome as a guarded
 * controller: body parsed (400/413/415), then bearer auth (401), path id (404), body
 * validation (400), CommandBus. Errors leave through AllExceptionsFilter in the same shape;
 * metrics are labelled by the same route pattern on both paths.
 */
@Injectable()
export class CommandRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly commands: CommandBus,
    private readonly tokens: TokenService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.post !== 'function') return;
    const server: unknown = this.adapterHost.httpAdapter.getHttpServer();
    for (const route of HOT_COMMAND_ROUTES) {
      // Plain requests take the fast path (ADR-16); Fastify still serves the unusual ones.
      if (server instanceof FastPathServer)
        server.addRoute({
          url: route.url,
          status: route.status,
          handle: (id, body, headers) => this.execute(route, id, body, headers),
        });
      fastify.post(route.url, (request: Request, reply: FastifyReply) => {
        reply.code(route.status);
        return this.execute(route, request.params.id, request.body, request.headers);
      });
    }
  }

  /** Bearer auth (401), path id (404), body validation (400), then the CommandBus. */
  private execute(
    route: CommandRoute,
    id: string,
    body: unknown,
    headers: IncomingHttpHeaders,
  ): Promise<unknown> {
    const ctx = commandContext(headers, authenticate(headers, this.tokens));
    return this.commands.execute(route.command(id, body, ctx));
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenService } from '../../../../libs/platform/src/auth/token-service';
import { CommandContext } from '../conversation/handle-command';
import { markDeliveredRoute, markReadRoute } from '../mark-receipt/mark-receipt.routes';
import { sendMessageRoute } from '../send-message/send-message.route';
import { authenticate, commandContext } from './request-context';

/** A POST /v1/conversations/:id/… command route: what its controller method would do. */
export interface CommandRoute {
  url: string;
  /** Status of a success. */
  status: number;
  /** Validates the path id and body (AppError 400/404) and builds the command for the CommandBus. */
  command(id: string, body: unknown, ctx: CommandContext): object;
}

/** The hottest routes (every message and receipt), see docs/architecture.md "ADR: hot command routes". */
export const HOT_COMMAND_ROUTES: readonly CommandRoute[] = [
  sendMessageRoute,
  markDeliveredRoute,
  markReadRoute,
];

type Request = FastifyRequest<{ Params: { id: string } }>;

/**
 * Registers HOT_COMMAND_ROUTES as plain Fastify routes, skipping Nest's per-request router
 * work (execution context, guard, pipes, param decorators, interceptors, rxjs). Same order
 * and outcome as a guarded controller: body parsed by Fastify (400/413/415), then bearer auth
 * (401), path id (404), body validation (400), CommandBus. Errors reach Nest's error handler,
 * so they leave through AllExceptionsFilter in the same shape; metrics come from the global
 * Fastify onResponse hook, labelled by the same route pattern.
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
    for (const route of HOT_COMMAND_ROUTES)
      fastify.post(route.url, (request: Request, reply: FastifyReply) =>
        this.handle(route, request, reply),
      );
  }

  private handle(route: CommandRoute, request: Request, reply: FastifyReply): Promise<unknown> {
    const ctx = commandContext(request.headers, authenticate(request.headers, this.tokens));
    const command = route.command(request.params.id, request.body, ctx);
    reply.code(route.status);
    return this.commands.execute(command);
  }
}

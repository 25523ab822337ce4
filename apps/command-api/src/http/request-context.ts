import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  Principal,
  TokenService,
  bearerToken,
} from '../../../../libs/platform/src/auth/token-service';
import { CommandContext } from '../conversation/handle-command';

interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** Bearer JWT on every route it guards; 401 invalid_token otherwise (missing, forged, expired). */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.headers.authorization;
    request.principal = this.tokens.verify(
      bearerToken(typeof header === 'string' ? header : undefined),
    );
    return true;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The authenticated actor plus a correlation id (the caller's `x-request-id` when it is
 * sane, else a new UUID). Only on routes behind BearerAuthGuard.
 */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<AuthedRequest>();
  const requestId = request.headers['x-request-id'];
  return {
    actor: request.principal!.userId,
    correlationId:
      typeof requestId === 'string' && REQUEST_ID.test(requestId) ? requestId : randomUUID(),
  };
});

import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  Principal,
  TokenService,
  bearerToken,
} from '../../../../libs/platform/src/auth/token-service';
import { CommandContext } from '../conversation/handle-command';

type Headers = Record<string, string | string[] | undefined>;

interface AuthedRequest {
  headers: Headers;
  principal?: Principal;
}

/** The caller of a request with a valid bearer JWT; 401 invalid_token otherwise (missing, forged, expired). */
export function authenticate(headers: Headers, tokens: TokenService): Principal {
  const header = headers.authorization;
  return tokens.verify(bearerToken(typeof header === 'string' ? header : undefined));
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The actor plus a correlation id: the caller's `x-request-id` when it is sane, else a new UUID. */
export function commandContext(headers: Headers, principal: Principal): CommandContext {
  const requestId = headers['x-request-id'];
  return {
    actor: principal.userId,
    correlationId:
      typeof requestId === 'string' && REQUEST_ID.test(requestId) ? requestId : randomUUID(),
  };
}

/** Bearer JWT on every route it guards (see authenticate). */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    request.principal = authenticate(request.headers, this.tokens);
    return true;
  }
}

/** The CommandContext of a request (see commandContext). Only on routes behind BearerAuthGuard. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<AuthedRequest>();
  return commandContext(request.headers, request.principal!);
});

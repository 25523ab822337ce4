import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { AppError } from '../../../../libs/platform/src/app-error';
import { Role, TokenService } from '../../../../libs/platform/src/auth/token-service';
import { AppConfig } from '../../../../libs/platform/src/config';
import { APP_CONFIG } from '../../../../libs/platform/src/tokens';
import { USER_ID_SCHEMA } from '../start-conversation/start-conversation.schema';
import { compileBody } from '../http/validator';

const ROLES: Role[] = ['user', 'auditor', 'analyst'];

const validate = compileBody<{ userId: string; roles?: Role[] }>({
  type: 'object',
  additionalProperties: false,
  required: ['userId'],
  properties: {
    userId: USER_ID_SCHEMA,
    roles: { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: { enum: ROLES } },
  },
});

/**
 * POST /v1/auth/dev-token {userId, roles?} → {token}: anyone may act as anyone (with any role:
 * `user`, `auditor`, `analyst`; default `user`), so it exists only when config.devTokens
 * (embedded/dev mode); otherwise the route answers 404 like any unknown one.
 */
@Controller('v1/auth')
export class DevTokenController {
  constructor(
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('dev-token')
  @HttpCode(200)
  issue(@Body() body: unknown): { token: string } {
    if (!this.config.devTokens) throw new AppError('not_found', 'No such route', 404);
    const { userId, roles } = validate(body);
    return { token: this.tokens.issue(userId, roles) };
  }
}

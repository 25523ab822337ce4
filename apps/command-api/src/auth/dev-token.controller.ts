import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { AppError } from '../../../../libs/platform/src/app-error';
import { TokenService } from '../../../../libs/platform/src/auth/token-service';
import { AppConfig } from '../../../../libs/platform/src/config';
import { APP_CONFIG } from '../../../../libs/platform/src/tokens';
import { USER_ID_SCHEMA } from '../start-conversation/start-conversation.schema';
import { compileBody } from '../http/validator';

const validate = compileBody<{ userId: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['userId'],
  properties: { userId: USER_ID_SCHEMA },
});

/**
 * POST /v1/auth/dev-token {userId} → {token}: anyone may act as anyone, so it exists only
 * when config.devTokens (embedded/dev mode); otherwise the route answers 404 like any unknown one.
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
    return { token: this.tokens.issue(validate(body).userId) };
  }
}

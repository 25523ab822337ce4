import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CHAT_COMMANDS } from '../../../libs/platform/src/tokens';
import { AuditModule } from './audit/audit.module';
import { DevTokenController } from './auth/dev-token.controller';
import { ChangeMembersController } from './change-members/change-members.controller';
import { ChangeMembersHandler } from './change-members/change-members.handler';
import { ConversationCommandRunner } from './conversation/conversation-commands.service';
import { InProcessChatCommands } from './conversation/in-process-chat-commands';
import { CommandRoutes } from './http/command-routes';
import { BearerAuthGuard } from './http/request-context';
import { SystemController } from './http/system.controller';
import { HealthController } from '../../../libs/platform/src/health/health.controller';
import { MarkReceiptHandler } from './mark-receipt/mark-receipt.handler';
import { HttpMetricsHook } from './metrics/http-metrics.hook';
import { QUERY_HANDLERS } from './queries/conversation.queries';
import { QueriesController } from './queries/queries.controller';
import { SendMessageHandler } from './send-message/send-message.handler';
import { StartConversationController } from './start-conversation/start-conversation.controller';
import { StartConversationHandler } from './start-conversation/start-conversation.handler';

/**
 * The HTTP command and query API. Needs (globally) EVENT_STORE, READ_MODELS, APP_CONFIG,
 * LOGGER and TokenService; exports CHAT_COMMANDS (globally) for in-process callers (the gateway).
 * Sending and receipts are plain Fastify routes (CommandRoutes); the rest are controllers.
 */
@Global()
@Module({
  imports: [CqrsModule.forRoot(), AuditModule],
  controllers: [
    SystemController,
    HealthController,
    DevTokenController,
    StartConversationController,
    ChangeMembersController,
    QueriesController,
  ],
  providers: [
    ConversationCommandRunner,
    BearerAuthGuard,
    CommandRoutes,
    HttpMetricsHook,
    StartConversationHandler,
    ChangeMembersHandler,
    SendMessageHandler,
    MarkReceiptHandler,
    ...QUERY_HANDLERS,
    { provide: CHAT_COMMANDS, useClass: InProcessChatCommands },
  ],
  exports: [CHAT_COMMANDS],
})
export class CommandApiModule {}

import { Controller, Get, Header, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { signCheckpoint, SignedCheckpoint } from '../../../../libs/audit/src/signed-checkpoint';
import { EventStore } from '../../../../libs/event-store/src/event-store.port';
import { AppError } from '../../../../libs/platform/src/app-error';
import { EVENT_STORE } from '../../../../libs/platform/src/tokens';
import { BearerAuthGuard } from '../http/request-context';
import { AuditKeys } from './audit-key';
import { AuditRolesGuard } from './audit-roles.guard';
import {
  activityQuery,
  conversationIdPath,
  historyQuery,
  seqPath,
  userIdPath,
} from './audit.schemas';
import { AuditTree } from './audit-tree.service';
import { conversationHistory, HistoryPage } from './conversation-history';
import { DEFAULT_SCAN_LIMIT, MessageLifecycle, messageLifecycle } from './message-lifecycle';
import { ActivityPage, DEFAULT_SCAN_BUDGET, userActivity } from './user-activity';

/**
 * The audit API (/v1/audit), for tokens with the role `auditor` or `analyst` (401 without a
 * valid token, 403 forbidden for other users). Reads the event store port only (readStream,
 * readAll, and the AuditTree's subscription), so it works alike on LMDB, PostgreSQL and
 * EventStoreDB. The costs are stated on each function it calls.
 */
@Controller('v1/audit')
@UseGuards(BearerAuthGuard, AuditRolesGuard)
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly tree: AuditTree,
    private readonly keys: AuditKeys,
  ) {}

  @Get('conversations/:id')
  history(@Param('id') id: string, @Query() query: unknown): Promise<HistoryPage> {
    const conversationId = conversationIdPath(id);
    return conversationHistory(this.store, conversationId, historyQuery(query));
  }

  @Get('conversations/:id/messages/:seq')
  message(@Param('id') id: string, @Param('seq') seq: string): Promise<MessageLifecycle> {
    const conversationId = conversationIdPath(id);
    return messageLifecycle(this.store, conversationId, seqPath(seq), {
      scanLimit: DEFAULT_SCAN_LIMIT,
    });
  }

  @Get('users/:id/activity')
  activity(@Param('id') id: string, @Query() query: unknown): Promise<ActivityPage> {
    const userId = userIdPath(id);
    const window = activityQuery(query);
    return userActivity(
      this.store,
      this.tree.timeIndex,
      { userId, ...window },
      { scanBudget: DEFAULT_SCAN_BUDGET },
    );
  }

  /** The latest signed checkpoint (503 audit_unavailable, with Retry-After, until possible). */
  @Get('checkpoint')
  checkpoint(@Res({ passthrough: true }) reply: FastifyReply): SignedCheckpoint {
    try {
      const key = this.keys.get();
      return this.tree.checkpoint((checkpoint) => signCheckpoint(checkpoint, key.privateKeyPem));
    } catch (err) {
      if (err instanceof AppError && err.status === 503) reply.header('retry-after', '1');
      throw err;
    }
  }

  /** The public key (SPKI PEM) checkpoints verify with. */
  @Get('public-key')
  @Header('content-type', 'application/x-pem-file')
  publicKey(): string {
    return this.keys.get().publicKeyPem;
  }
}

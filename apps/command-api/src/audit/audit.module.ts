import { Module } from '@nestjs/common';
import { BearerAuthGuard } from '../http/request-context';
import { AuditController } from './audit.controller';
import { AuditKeys } from './audit-key';
import { AuditRolesGuard } from './audit-roles.guard';
import { AuditTree } from './audit-tree.service';

/**
 * /v1/audit: the audit API and the in-process audit tree. Needs (globally) EVENT_STORE,
 * APP_CONFIG, LOGGER and TokenService; settings: AUDIT_KEY_FILE (see audit-key.ts).
 */
@Module({
  controllers: [AuditController],
  providers: [AuditTree, AuditKeys, AuditRolesGuard, BearerAuthGuard],
})
export class AuditModule {}

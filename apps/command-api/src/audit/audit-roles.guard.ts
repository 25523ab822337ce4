import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError } from '../../../../libs/platform/src/app-error';
import { Principal, Role } from '../../../../libs/platform/src/auth/token-service';

/** The roles that may use /v1/audit (from the token's `roles` claim). */
export const AUDIT_ROLES: readonly Role[] = ['auditor', 'analyst'];

export const mayAudit = (principal: Principal | undefined): boolean =>
  !!principal && principal.roles.some((role) => AUDIT_ROLES.includes(role));

/**
 * After BearerAuthGuard (which sets the request's principal, or answers 401): 403 forbidden unless
 * the token carries the role `auditor` or `analyst`.
 */
@Injectable()
export class AuditRolesGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { principal } = context.switchToHttp().getRequest<{ principal?: Principal }>();
    if (!principal) throw new AppError('invalid_token', 'missing bearer token', 401);
    if (!mayAudit(principal))
      throw new AppError(
        'forbidden',
        `the audit API needs the role ${AUDIT_ROLES.join(' or ')} in the token`,
        403,
      );
    return true;
  }
}

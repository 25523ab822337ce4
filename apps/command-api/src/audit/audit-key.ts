import { Inject, Injectable } from '@nestjs/common';
import { join, resolve } from 'node:path';
import {
  AuditKeyFile,
  loadOrCreateAuditKey,
  readAuditKey,
} from '../../../../libs/audit/src/audit-key-file';
import { AppError } from '../../../../libs/platform/src/app-error';
import { AppConfig } from '../../../../libs/platform/src/config';
import { Logger } from '../../../../libs/platform/src/logger';
import { APP_CONFIG, LOGGER } from '../../../../libs/platform/src/tokens';

/**
 * Where the checkpoint-signing key (Ed25519, PKCS#8 PEM, mode 0600) comes from:
 * - `AUDIT_KEY_FILE` when set;
 * - embedded mode, unset: `<DATA_DIR>/audit/audit-key.pem`, the file `chat audit …` uses by
 *   default with `--data-dir`, so the CLI and the server sign and verify with one key. Created
 *   (once, safely against concurrent creators) on first use, like the CLI does;
 * - production mode: AUDIT_KEY_FILE is required and must exist. It is never generated there:
 *   every command-api process must sign with the same key, and a key made by one host would not
 *   be the others'.
 */
export type AuditKeySource = { path: string; create: boolean } | { unavailable: string };

export const AUDIT_KEY_FILE = 'AUDIT_KEY_FILE';

export function auditKeySource(
  config: Pick<AppConfig, 'mode' | 'dataDir'>,
  env: NodeJS.ProcessEnv,
): AuditKeySource {
  const configured = env[AUDIT_KEY_FILE];
  const embedded = config.mode === 'embedded';
  if (configured) return { path: resolve(configured), create: embedded };
  if (embedded) return { path: join(config.dataDir, 'audit', 'audit-key.pem'), create: true };
  return {
    unavailable:
      `${AUDIT_KEY_FILE} is not set: in production mode the audit checkpoint and public key need ` +
      'the Ed25519 signing key file (PKCS#8 PEM, mode 0600) shared by every command-api process',
  };
}

/** 503 audit_unavailable: the audit key (or tree) is not there; nothing else is affected. */
export const auditUnavailable = (message: string): AppError =>
  new AppError('audit_unavailable', message, 503);

/**
 * The audit key, loaded on first use (a server whose audit API is never asked creates no key) and
 * kept once loaded. A key that cannot be loaded answers 503 audit_unavailable naming why, and is
 * tried again on the next request (an operator can fix the file without a restart).
 */
@Injectable()
export class AuditKeys {
  private readonly source: AuditKeySource;
  private key?: AuditKeyFile;
  private lastProblem?: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.source = auditKeySource(config, process.env);
  }

  /** The key, or throws AppError 503 audit_unavailable. */
  get(): AuditKeyFile {
    if (this.key) return this.key;
    const source = this.source;
    if ('unavailable' in source) throw this.problem(source.unavailable);
    try {
      this.key = source.create ? loadOrCreateAuditKey(source.path) : readAuditKey(source.path);
    } catch (err) {
      const error = err as NodeJS.ErrnoException;
      throw this.problem(
        error.code === 'ENOENT'
          ? `${AUDIT_KEY_FILE}=${source.path}: no such file (create the Ed25519 key once, e.g. ` +
              `openssl genpkey -algorithm ed25519 -out ${source.path} && chmod 600 ${source.path})`
          : `audit key: ${error.message}`,
      );
    }
    if (this.key.created)
      this.logger.info({ path: source.path }, 'generated a new audit key (checkpoint signing)');
    return this.key;
  }

  private problem(message: string): AppError {
    if (message !== this.lastProblem) {
      this.lastProblem = message;
      this.logger.warn({ reason: message }, 'audit key unavailable');
    }
    return auditUnavailable(message);
  }
}

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAuditKeyPair } from '../../../../libs/audit/src/signed-checkpoint';
import { createLogger } from '../../../../libs/platform/src/logger';
import { loadConfig } from '../../../../libs/platform/src/config';
import { auditKeySource, AuditKeys } from './audit-key';
import { AuditRolesGuard } from './audit-roles.guard';

describe('the audit key (AUDIT_KEY_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-key-'));
  const env = process.env.AUDIT_KEY_FILE;
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (env === undefined) delete process.env.AUDIT_KEY_FILE;
    else process.env.AUDIT_KEY_FILE = env;
  });

  it('embedded: <DATA_DIR>/audit/audit-key.pem (the CLI’s default), created on first use', () => {
    expect(auditKeySource({ mode: 'embedded', dataDir: '/data' }, {})).toEqual({
      path: '/data/audit/audit-key.pem',
      create: true,
    });
    expect(
      auditKeySource({ mode: 'embedded', dataDir: '/data' }, { AUDIT_KEY_FILE: '/k.pem' }),
    ).toEqual({
      path: '/k.pem',
      create: true,
    });
  });

  it('production: AUDIT_KEY_FILE required, never generated', () => {
    const unset = auditKeySource({ mode: 'production', dataDir: '/data' }, {});
    expect(unset).toEqual({ unavailable: expect.stringMatching(/^AUDIT_KEY_FILE is not set/) });
    expect(
      auditKeySource({ mode: 'production', dataDir: '/data' }, { AUDIT_KEY_FILE: '/k.pem' }),
    ).toEqual({
      path: '/k.pem',
      create: false,
    });
  });

  it('answers 503 audit_unavailable while it cannot load the key, and loads it once it can', () => {
    const path = join(dir, 'prod-key.pem');
    process.env.AUDIT_KEY_FILE = path;
    const keys = new AuditKeys(
      { ...loadConfig({ CHAT_MODE: 'production', DATA_DIR: dir }) },
      createLogger('silent'),
    );
    expect(() => keys.get()).toThrow(
      expect.objectContaining({ code: 'audit_unavailable', status: 503 }),
    );
    expect(() => keys.get()).toThrow(/no such file/);
    writeFileSync(path, generateAuditKeyPair().privateKeyPem, { mode: 0o600 });
    expect(keys.get().publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('embedded: generates the key file once (mode 0600) and keeps it', () => {
    delete process.env.AUDIT_KEY_FILE;
    const keys = new AuditKeys(loadConfig({ DATA_DIR: dir }), createLogger('silent'));
    const key = keys.get();
    const file = join(dir, 'audit', 'audit-key.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(key.privateKeyPem);
    expect(
      new AuditKeys(loadConfig({ DATA_DIR: dir }), createLogger('silent')).get().publicKeyPem,
    ).toBe(key.publicKeyPem);
  });
});

describe('AuditRolesGuard', () => {
  const guard = new AuditRolesGuard();
  const context = (principal: unknown) =>
    ({ switchToHttp: () => ({ getRequest: () => ({ principal }) }) }) as never;

  it('lets auditors and analysts through, 403 forbidden for anyone else', () => {
    expect(guard.canActivate(context({ userId: 'a', roles: ['auditor'] }))).toBe(true);
    expect(guard.canActivate(context({ userId: 'a', roles: ['user', 'analyst'] }))).toBe(true);
    expect(() => guard.canActivate(context({ userId: 'a', roles: ['user'] }))).toThrow(
      expect.objectContaining({ code: 'forbidden', status: 403 }),
    );
    expect(() => guard.canActivate(context(undefined))).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });
});

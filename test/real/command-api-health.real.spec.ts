import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ServerProcess, api, sleep } from '../support/server-process';
import { requireInfra, startCommandApi } from './production-stack';

/**
 * Readiness tells the truth about the event store's engine: a PostgreSQL of its own (started
 * and stopped for real by the project's infra scripts), stopped under a running command-api,
 * makes /health/ready answer 503 naming postgresql; started again, readiness recovers by itself.
 */
const ROOT = resolve(__dirname, '..', '..');
const PORT = '55491';

describe('command-api readiness while PostgreSQL goes away and comes back', () => {
  const infraDir = mkdtempSync(join(tmpdir(), 'pg-health-'));
  chmodSync(infraDir, 0o755); // PostgreSQL runs as its own user: it must reach the folder
  const infra = (script: 'up' | 'down') =>
    execFileSync(join(ROOT, 'infra/local', script), script === 'up' ? ['postgres'] : [], {
      env: { ...process.env, INFRA_DIR: infraDir, INFRA_POSTGRES_PORT: PORT },
      stdio: 'pipe',
    });
  let app: ServerProcess;

  beforeAll(async () => {
    requireInfra('CASSANDRA_CONTACT_POINTS');
    infra('up');
    app = await startCommandApi({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${PORT}/eventchat`,
    });
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
    infra('down');
    rmSync(infraDir, { recursive: true, force: true });
  }, 120_000);

  const ready = () => api(app.baseUrl).get('/health/ready');
  const until = async (status: number) => {
    for (let i = 0; i < 120; i++) {
      const res = await ready();
      if (res.status === status) return res;
      await sleep(500);
    }
    throw new Error(`/health/ready never answered ${status}`);
  };

  it('answers 503 naming postgresql while it is down, and 200 again once it is back', async () => {
    expect((await ready()).status).toBe(200);
    infra('down');
    const down = await until(503);
    expect(down.body.components).toContainEqual(
      expect.objectContaining({ component: 'postgresql', status: 'failing' }),
    );
    expect(down.body.components).toContainEqual({ component: 'cassandra', status: 'ok' });
    expect((await api(app.baseUrl).get('/health/live')).status).toBe(200);
    infra('up');
    const back = await until(200);
    expect(back.body.components).toContainEqual({ component: 'postgresql', status: 'ok' });
  }, 180_000);
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LmdbReadModelStore } from '../../libs/read-models/src';
import { eventually } from '../support/eventually';
import { api, devToken, newDataDir, startServer } from '../support/server-process';

const run = promisify(execFile);
const REBUILD = join(
  __dirname,
  '..',
  '..',
  'dist',
  'apps',
  'projector',
  'src',
  'rebuild-read-models.js',
);

/**
 * `npm run rebuild-read-models` drops every read model and projects the log again from
 * its start: afterwards the public API answers exactly what it answered before.
 */
describe('rebuilding the read models from the event log', () => {
  it('gives the same inbox, timeline and receipts as incremental projection', async () => {
    const dataDir = newDataDir();
    const server = await startServer({ dataDir });
    const [ann, ben, cat] = await Promise.all(
      ['ann', 'ben', 'cat'].map((u) => devToken(server.baseUrl, u)),
    );
    const group = (
      await api(server.baseUrl, ann).post('/v1/conversations', {
        kind: 'group',
        members: ['ben', 'cat'],
        title: 'g',
      })
    ).body.conversationId;
    const direct = (
      await api(server.baseUrl, ben).post('/v1/conversations', { kind: 'direct', members: ['cat'] })
    ).body.conversationId;
    for (let i = 1; i <= 30; i++) {
      const [token, id] = i % 3 === 0 ? [cat, direct] : [i % 2 ? ann : ben, group];
      expect(
        (
          await api(server.baseUrl, token).post(`/v1/conversations/${id}/messages`, {
            clientMessageId: `m${i}`,
            body: `hello ${i}`,
          })
        ).status,
      ).toBe(201);
    }
    await api(server.baseUrl, cat).post(`/v1/conversations/${group}/read`, { upToSeq: 10 });
    await api(server.baseUrl, ben).post(`/v1/conversations/${direct}/delivered`, { upToSeq: 5 });
    await api(server.baseUrl, ann).post(`/v1/conversations/${group}/members`, { remove: ['cat'] });

    const snapshot = async (baseUrl: string) => ({
      inboxes: await Promise.all(
        [ann, ben, cat].map(async (t) => (await api(baseUrl, t).get('/v1/me/conversations')).body),
      ),
      group: (await api(baseUrl, ann).get(`/v1/conversations/${group}/messages?limit=200`)).body,
      direct: (await api(baseUrl, ben).get(`/v1/conversations/${direct}/messages?limit=200`)).body,
      receipts: (await api(baseUrl, ben).get(`/v1/conversations/${direct}/receipts`)).body,
      members: (await api(baseUrl, ann).get(`/v1/conversations/${group}`)).body,
    });
    // The read side is eventually consistent: take the snapshot once everything is projected
    // (the last write is visible and two snapshots in a row agree).
    const [, before] = await eventually(
      async () => [await snapshot(server.baseUrl), await snapshot(server.baseUrl)] as const,
      ([a, b]) =>
        b.direct.messages?.length === 10 &&
        b.members.members?.length === 2 &&
        JSON.stringify(a) === JSON.stringify(b),
    );
    expect(await server.stop()).toBe(0);
    // A read model that went wrong (say, a projection bug): incremental projection would never
    // touch this row again, only a rebuild from the log repairs it.
    const readModels = LmdbReadModelStore.open(join(dataDir, 'read-models'));
    const first = before.group.messages[0];
    await readModels.apply(
      [{ op: 'putMessage', message: { ...first, body: 'tampered' } }],
      await readModels.getCheckpoint(),
    );
    await readModels.close();

    const { stderr } = await run(process.execPath, [REBUILD], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
    expect(stderr).toBe('');

    const again = await startServer({ dataDir });
    try {
      expect(await snapshot(again.baseUrl)).toEqual(before);
    } finally {
      await again.stop();
    }
  });
});

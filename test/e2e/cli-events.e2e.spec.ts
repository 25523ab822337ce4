import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ndjson, runCli } from '../../apps/cli/src/testing/cli-process';
import { Api, api, devToken, ServerProcess, startServer } from '../support/server-process';

interface Line {
  id: string;
  type: string;
  position: string;
  stream: string;
  revision: number;
  time: string;
  actor: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * `chat events …` and `chat conversations at` as a user runs them: the built CLI as a child
 * process, on the data directory of a started server, while that server keeps running (the
 * CLI opens the log read-only beside it). The events are written through the HTTP API.
 */
describe('chat events / conversations (CLI on a running server’s data)', () => {
  let server: ServerProcess;
  let alice: Api;
  let bob: Api;
  let carol: Api;
  let group: string;
  let direct: string;
  let work: string;
  const chat = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

  beforeAll(async () => {
    server = await startServer();
    work = mkdtempSync(join(tmpdir(), 'chat-cli-'));
    alice = api(server.baseUrl, await devToken(server.baseUrl, 'alice'));
    bob = api(server.baseUrl, await devToken(server.baseUrl, 'bob'));
    carol = api(server.baseUrl, await devToken(server.baseUrl, 'carol'));
    group = (await alice.post('/v1/conversations', { kind: 'group', members: ['bob', 'carol'] }))
      .body.conversationId;
    direct = (await alice.post('/v1/conversations', { kind: 'direct', members: ['bob'] })).body
      .conversationId;
    for (let i = 1; i <= 5; i++) {
      const who = i % 2 === 1 ? alice : bob;
      const res = await who.post(`/v1/conversations/${group}/messages`, {
        clientMessageId: `g-${i}`,
        body: `group message ${i}`,
      });
      expect(res.status).toBe(201);
    }
    for (let i = 1; i <= 3; i++) {
      const res = await bob.post(`/v1/conversations/${direct}/messages`, {
        clientMessageId: `d-${i}`,
        body: `direct message ${i}`,
      });
      expect(res.status).toBe(201);
    }
    // carol has sent nothing, so her read is a new watermark (a sender has read their own)
    const read = await carol.post(`/v1/conversations/${group}/read`, { upToSeq: 3 });
    expect(read.status).toBeLessThan(300);
  });

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  // 2 starts + 8 sends + 1 read
  const EVENTS = 11;

  it('exports every event as NDJSON, in log order, with the documented fields', async () => {
    const run = await chat('events', 'export');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = ndjson<Line>(run.stdout);
    expect(lines).toHaveLength(EVENTS);
    for (const line of lines)
      expect(Object.keys(line).sort()).toEqual(
        [
          'actor',
          'data',
          'id',
          'metadata',
          'position',
          'revision',
          'stream',
          'time',
          'type',
        ].sort(),
      );
    const positions = lines.map((l) => l.position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(positions).size).toBe(EVENTS);
    expect(lines[0]).toMatchObject({
      type: 'ConversationStarted',
      stream: `conversation-${group}`,
      revision: 0,
      actor: 'alice',
    });
    expect(lines[0].metadata).toMatchObject({ eventId: lines[0].id, actor: 'alice' });
    expect(lines[0].metadata.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by conversation, type, actor, position and time', async () => {
    const all = ndjson<Line>((await chat('events', 'export')).stdout);
    const sent = await chat('events', 'export', '--conversation', group, '--type', 'MessageSent');
    expect(ndjson<Line>(sent.stdout).map((l) => l.data.seq)).toEqual([1, 2, 3, 4, 5]);

    const byBob = ndjson<Line>((await chat('events', 'export', '--actor', 'bob')).stdout);
    expect(byBob.map((l) => [l.type, l.actor])).toEqual(Array(5).fill(['MessageSent', 'bob']));
    const byCarol = ndjson<Line>((await chat('events', 'export', '--actor', 'carol')).stdout);
    expect(byCarol.map((l) => [l.type, l.data.upToSeq])).toEqual([['MessageRead', 3]]);

    const twoTypes = await chat(
      'events',
      'export',
      '--type',
      'MessageRead',
      '--type',
      'ConversationStarted',
    );
    expect(
      ndjson<Line>(twoTypes.stdout)
        .map((l) => l.type)
        .sort(),
    ).toEqual(['ConversationStarted', 'ConversationStarted', 'MessageRead']);

    // positions as printed, and as typed by hand (digits without the padding)
    const window = await chat(
      'events',
      'export',
      '--after',
      all[2].position,
      '--until',
      all[5].position,
    );
    expect(ndjson<Line>(window.stdout).map((l) => l.id)).toEqual(all.slice(3, 6).map((l) => l.id));
    const typed = await chat('events', 'export', '--after', String(Number(all[2].position)));
    expect(ndjson<Line>(typed.stdout)).toHaveLength(EVENTS - 3);

    const from = all[4].time;
    const to = all[7].time;
    const timed = ndjson<Line>((await chat('events', 'export', '--from', from, '--to', to)).stdout);
    expect(timed.length).toBeGreaterThan(0);
    expect(timed.every((l) => l.time >= from && l.time < to)).toBe(true);
    expect(timed.map((l) => l.id)).toEqual(
      all.filter((l) => l.time >= from && l.time < to).map((l) => l.id),
    );
  });

  it('writes Parquet that DuckDB reads back', async () => {
    const out = join(work, 'events.parquet');
    const run = await chat('events', 'export', '--format', 'parquet', '--out', out);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/exported 11 events to/);
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    try {
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE type = 'MessageSent')::INTEGER AS sent,
                max(data->>'body') FILTER (WHERE type = 'MessageSent') AS body,
                any_value(typeof(time)) AS time_type
         FROM read_parquet('${out}')`,
      );
      expect(reader.getRowObjectsJson()).toEqual([
        { n: EVENTS, sent: 8, body: 'group message 5', time_type: 'TIMESTAMP' },
      ]);
    } finally {
      connection.closeSync();
      duck.closeSync();
    }
  });

  it('answers SQL over the log as JSON: messages per conversation', async () => {
    const run = await chat(
      'events',
      'query',
      "SELECT conversation, count(*) AS messages FROM events WHERE type = 'MessageSent' GROUP BY 1 ORDER BY 2 DESC",
      '--json',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { conversation: group, messages: 5 },
      { conversation: direct, messages: 3 },
    ]);
  });

  it('prints SQL results as an aligned table by default', async () => {
    const run = await chat(
      'events',
      'query',
      'SELECT type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1',
    );
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 5)).toEqual([
      'type                 n',
      '-------------------  -',
      'ConversationStarted  2',
      'MessageRead          1',
      'MessageSent          8',
    ]);
  });

  it('counts by type, by day and the top conversations', async () => {
    const run = await chat('events', 'stats', '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ events: EVENTS, conversations: 2, actors: 3 });
    expect(report.byType).toEqual([
      { type: 'MessageSent', events: 8 },
      { type: 'ConversationStarted', events: 2 },
      { type: 'MessageRead', events: 1 },
    ]);
    expect(report.byDay.reduce((sum: number, d: { events: number }) => sum + d.events, 0)).toBe(
      EVENTS,
    );
    expect(report.topConversations[0]).toEqual({ conversation: group, events: 7, messages: 5 });
    const text = await chat('events', 'stats');
    expect(text.stdout).toMatch(/By type/);
  });

  it('travels to a position between two sends: the conversation as it was then', async () => {
    const sends = ndjson<Line>(
      (await chat('events', 'export', '--conversation', group, '--type', 'MessageSent')).stdout,
    );
    const between = sends[1].position; // after send 2, before send 3
    const run = await chat('conversations', 'at', group, '--position', between, '--json');
    expect(run.code).toBe(0);
    const at = JSON.parse(run.stdout);
    expect(at).toMatchObject({
      conversationId: group,
      started: true,
      kind: 'group',
      members: ['alice', 'bob', 'carol'],
      lastSeq: 2,
      eventsApplied: 3,
    });
    expect(
      at.messages.map((m: { seq: number; sender: string; body: string }) => [
        m.seq,
        m.sender,
        m.body,
      ]),
    ).toEqual([
      [1, 'alice', 'group message 1'],
      [2, 'bob', 'group message 2'],
    ]);
    // carol's read of seq 3 came later; so far each sender has seen their own message
    expect(at.receipts).toEqual([
      { userId: 'alice', delivered: 1, read: 1 },
      { userId: 'bob', delivered: 2, read: 2 },
    ]);

    const now = JSON.parse(
      (await chat('conversations', 'at', group, '--time', new Date().toISOString(), '--json'))
        .stdout,
    );
    expect(now.lastSeq).toBe(5);
    expect(now.receipts).toEqual([
      { userId: 'alice', delivered: 5, read: 5 },
      { userId: 'bob', delivered: 4, read: 4 },
      { userId: 'carol', delivered: 3, read: 3 },
    ]);

    const text = await chat('conversations', 'at', group, '--position', between);
    expect(text.stdout).toMatch(/group message 2/);
    expect(text.stdout).not.toMatch(/group message 3/);
  });

  it('a bad command, option or value is one line on stderr and a non-zero exit', async () => {
    const cases: [string[], number, RegExp][] = [
      [['events', 'bogus'], 2, /unknown command 'bogus'/],
      [['events', 'export', '--bogus'], 2, /unknown option '--bogus'/],
      [['events', 'export', '--format', 'xml'], 2, /--format/],
      [['events', 'export', '--from', 'yesterday'], 2, /--from/],
      [['events', 'export', '--format', 'parquet'], 2, /--out/],
      [['conversations', 'at', group], 2, /--time and --position/],
      [['conversations', 'at', 'no-such-conversation', '--position', '1'], 1, /no conversation/],
      [['events', 'query', 'SELEC nothing'], 1, /syntax error/i],
    ];
    for (const [args, code, message] of cases) {
      const run = await chat(...args);
      expect({ args, code: run.code }).toEqual({ args, code });
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    const missing = await runCli(['events', 'stats', '--data-dir', join(work, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^chat: no event log at .*\n$/);
  });

  it('has --help on every command', async () => {
    for (const command of [
      [],
      ['events'],
      ['events', 'export'],
      ['events', 'query'],
      ['events', 'stats'],
      ['conversations', 'at'],
      ['audit'],
      ['audit', 'checkpoint'],
      ['audit', 'verify'],
      ['audit', 'prove'],
      ['audit', 'verify-proof'],
      ['audit', 'public-key'],
    ]) {
      const run = await runCli([...command, '--help']);
      expect({ command, code: run.code }).toEqual({ command, code: 0 });
      expect(run.stdout).toMatch(/^Usage: chat/);
    }
  });
});

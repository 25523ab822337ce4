import { verifyChain } from '../../libs/event-store/src/hash-chain';
import { ServerProcess, api, devToken, sleep } from '../support/server-process';
import { sentMessages, startCommandApi, storedConversation } from './production-stack';

/**
 * kill -9 of a command-api process in the middle of a load of sends on PostgreSQL: every send it
 * acknowledged is stored, none twice, and the retries a client makes afterwards (through the
 * surviving process) neither lose nor duplicate anything.
 */
describe('command API killed with SIGKILL under load', () => {
  let victim: ServerProcess;
  let survivor: ServerProcess;

  beforeAll(async () => {
    [victim, survivor] = await Promise.all([startCommandApi(), startCommandApi()]);
  });
  afterAll(async () => {
    await Promise.all([victim?.kill(), survivor?.stop()]);
  });

  it('loses no acknowledged message and stores none twice', async () => {
    const token = await devToken(survivor.baseUrl, 'alice');
    const [toVictim, toSurvivor] = [api(victim.baseUrl, token), api(survivor.baseUrl, token)];
    const started = await toSurvivor.post('/v1/conversations', { kind: 'group', members: ['bob'] });
    const conversationId: string = started.body.conversationId;
    const path = `/v1/conversations/${conversationId}/messages`;

    const acked = new Map<string, { seq: number; messageId: string }>();
    const attempted: string[] = [];
    let killed = false;
    const sender = async (lane: number) => {
      for (let n = 0; !killed; n++) {
        const clientMessageId = `crash-${lane}-${n}`;
        attempted.push(clientMessageId);
        try {
          const res = await toVictim.post(path, { clientMessageId, body: 'load' });
          if (res.status === 201) acked.set(clientMessageId, res.body);
        } catch {
          return; // connection reset by the kill: unacknowledged
        }
      }
    };
    const lanes = Promise.all(Array.from({ length: 30 }, (_, lane) => sender(lane)));
    while (acked.size < 400) await sleep(5);
    await victim.kill();
    killed = true;
    await lanes;

    const stored = sentMessages(await storedConversation(conversationId));
    const byClientId = new Map(stored.map((m) => [m.clientMessageId, m]));
    expect(byClientId.size).toBe(stored.length); // none twice
    for (const [id, ack] of acked) expect(byClientId.get(id)).toMatchObject(ack); // none lost

    // The client retries everything it attempted through the surviving process.
    for (const id of attempted) {
      const res = await toSurvivor.post(path, { clientMessageId: id, body: 'load' });
      expect(res.status).toBe(201);
      if (acked.has(id)) expect(res.body).toEqual(acked.get(id));
    }
    const after = await storedConversation(conversationId);
    const messages = sentMessages(after);
    expect(messages.map((m) => m.clientMessageId).sort()).toEqual([...new Set(attempted)].sort());
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(verifyChain(after)).toEqual({ ok: true });
  });
});

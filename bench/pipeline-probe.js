// Probe (not part of the suite): where does append→published latency go, without HTTP/WS?
// Appends `rate` single-event sends/s across 50 conversations directly on the stores.
'use strict';
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const D = join(__dirname, '..', 'dist');
const { LmdbEventStore } = require(`${D}/libs/event-store/src`);
const { LmdbReadModelStore } = require(`${D}/libs/read-models/src`);
const { InProcessUpdateBus } = require(`${D}/libs/bus/src`);
const { Projector } = require(`${D}/apps/projector/src/projector`);
const { createLogger } = require(`${D}/libs/platform/src/logger`);
const { newHistogram, summary } = require('./lib/stats');

const rate = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'probe-'));
const logger = createLogger('warn');
const eventStore = LmdbEventStore.open(join(dir, 'events'), { logger });
const readModels = LmdbReadModelStore.open(join(dir, 'read-models'));
const updateBus = new InProcessUpdateBus();
// PROJECTOR_THREAD=inline: projector on this thread; worker (default): as the all-in-one app runs it.
const { ProjectorThread } = require(`${D}/apps/projector/src/worker/projector-thread`);
const projector =
  process.env.PROJECTOR_THREAD === 'inline'
    ? new Projector({ eventStore, readModels, updateBus, logger })
    : new ProjectorThread({
        init: { dataDir: dir, logLevel: 'warn' },
        onDurable: (listener) => eventStore.onDurable(listener),
        updateBus,
        refreshReadModels: () => readModels.refreshSnapshot(),
        logger,
      });
const ack = newHistogram();
const pub = newHistogram();
const started = new Map();
const now = () => Number(process.hrtime.bigint() / 1000n);
updateBus.subscribe((u) => {
  if (u.type !== 'message') return;
  const t = started.get(u.message.messageId);
  if (t) pub.recordValue(Math.max(1, now() - t));
});
const meta = (actor) => ({ eventId: randomUUID(), schemaVersion: 1, correlationId: 'c', causationId: 'c', actor, timestamp: new Date().toISOString() });
async function main() {
  await projector.start();
  const revs = [];
  for (let c = 0; c < 50; c++) {
    await eventStore.append(`conversation-c${c}`, [{ type: 'ConversationStarted', data: { conversationId: `c${c}`, kind: 'direct', members: [`a${c}`, `b${c}`], startedBy: `a${c}`, startedAt: new Date().toISOString() }, metadata: meta(`a${c}`) }], 'no_stream');
    revs.push(0);
  }
  let seq = 0;
  const end = Date.now() + seconds * 1000;
  const perTick = rate / 1000;
  let carry = 0;
  while (Date.now() < end) {
    carry += perTick;
    for (; carry >= 1; carry--) {
      const c = seq % 50;
      const s = Math.floor(seq / 50) + 1;
      seq++;
      const messageId = randomUUID();
      const t = now();
      started.set(messageId, t);
      const rev = revs[c]++;
      eventStore.append(`conversation-c${c}`, [{ type: 'MessageSent', data: { conversationId: `c${c}`, messageId, clientMessageId: messageId, senderId: `a${c}`, seq: s, body: 'hello', attachments: [], sentAt: new Date().toISOString() }, metadata: meta(`a${c}`) }], rev)
        .then(() => ack.recordValue(Math.max(1, now() - t)));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await new Promise((r) => setTimeout(r, 1000));
  console.log(JSON.stringify({ mode: process.env.PROJECTOR_THREAD || 'worker', rate, sent: seq, ack: summary(ack), published: summary(pub) }));
  await projector.stop();
  await eventStore.close();
  await readModels.close();
}
main();

// Broadcast vs partition routing of projection updates to gateways, measured on raw kafkajs
// (the same settings as KafkaUpdateBus: idempotent producer, acks all, keyed by conversation).
//   produce    N updates (a message with a 200-char body, 2–100 recipients) in sends of 500
//   broadcast  G gateway processes, each its own consumer group: each reads all N
//   routing    G gateway processes in ONE group: each reads the partitions it is assigned (~N/G)
// Each gateway decodes every update and looks its recipients up in a map of 5,000 local users
// (what UpdateFanout does before pushing). Reports per gateway: updates read, wall time, CPU
// µs per update; all gateways run at once, on the same cores as the broker (a backlog drain:
// the maximum rate this machine sustains).
// Usage: KAFKA_BROKERS=127.0.0.1:59092 node bench/kafka-fanout.js [N=100000] [G list=1,2,4]
'use strict';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { fork } = require('node:child_process');
const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) throw new Error('set KAFKA_BROKERS');
const kafka = new Kafka({ brokers, clientId: 'bench-fanout', logLevel: logLevel.NOTHING });
const PARTITIONS = 12;

function update(i) {
  const members = 2 + (i % 50 === 0 ? 98 : i % 7);
  const conversationId = `c${i % 2000}`;
  return {
    type: 'message',
    position: String(i).padStart(20, '0'),
    recipients: Array.from({ length: members }, (_, m) => `user-${(i * 31 + m) % 100000}`),
    message: {
      conversationId,
      seq: i,
      messageId: `m${i}`,
      clientMessageId: `k${i}`,
      senderId: 'user-1',
      body: 'x'.repeat(200),
      attachments: [],
      sentAt: new Date(0).toISOString(),
    },
  };
}

async function produce(topic, n) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const [start, cpu] = [Date.now(), process.cpuUsage()];
  for (let i = 0; i < n; i += 500) {
    const messages = [];
    for (let j = i; j < Math.min(n, i + 500); j++) {
      const u = update(j);
      messages.push({
        key: u.message.conversationId,
        value: JSON.stringify(u),
        headers: { 'schema-version': '1' },
      });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  const ms = Date.now() - start;
  const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
  await producer.disconnect();
  return { ms, rate: Math.round((n / ms) * 1000), cpuUsPerMsg: ((cpuMs * 1000) / n).toFixed(1) };
}

/** Child: one gateway. Reads until `expect` updates arrived (broadcast) or the group drained `total`. */
async function gateway({ topic, groupId, expect, idleMs }) {
  const local = new Map(Array.from({ length: 5000 }, (_, u) => [`user-${u * 20}`, u]));
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  // Join paused; the parent says go once every gateway joined (no rebalance mid-drain).
  consumer.on(consumer.events.GROUP_JOIN, (e) =>
    process.send({ joined: e.payload.memberAssignment[topic]?.length ?? 0 }),
  );
  const go = new Promise((resolve) => process.on('message', resolve));
  let [count, hits, first, last] = [0, 0, 0, Date.now()];
  let cpu;
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (!first) [first, cpu] = [Date.now(), process.cpuUsage()];
      for (const m of batch.messages) {
        const u = JSON.parse(m.value.toString('utf8'));
        for (const r of u.recipients) if (local.has(r)) hits++;
        resolveOffset(m.offset);
        count++;
      }
      last = Date.now();
      await heartbeat();
    },
  });
  consumer.pause([{ topic }]);
  await go;
  consumer.resume([{ topic }]);
  while (expect ? count < expect : !first || Date.now() - last < idleMs)
    await new Promise((r) => setTimeout(r, 20));
  const used = process.cpuUsage(cpu);
  await consumer.disconnect();
  const wallMs = last - first;
  process.send({
    count,
    hits,
    wallMs,
    cpuUsPerMsg: ((used.user + used.system) / count).toFixed(1),
  });
}

function runGateways(topic, g, mode, n) {
  const group = `bench-${mode}-${Date.now()}`;
  const children = [];
  const assigned = new Map();
  let timer;
  // Go 2 s after the last join once every gateway holds partitions (broadcast: all 12 each).
  const joined = (child, partitions) => {
    assigned.set(child, partitions);
    clearTimeout(timer);
    const total = [...assigned.values()].reduce((a, b) => a + b, 0);
    if (assigned.size === g && total === (mode === 'broadcast' ? g * PARTITIONS : PARTITIONS))
      timer = setTimeout(() => children.forEach((c) => c.send('go')), 2000);
  };
  return Promise.all(
    Array.from(
      { length: g },
      (_, i) =>
        new Promise((resolve, reject) => {
          const args = {
            topic,
            groupId: mode === 'broadcast' ? `${group}-${i}` : group,
            expect: mode === 'broadcast' ? n : 0,
            idleMs: 3000,
          };
          const child = fork(__filename, ['--gateway', JSON.stringify(args)]);
          children.push(child);
          child.on('message', (m) =>
            m.joined === undefined ? resolve(m) : joined(child, m.joined),
          );
          child.on('exit', (code) => code && reject(new Error(`gateway exited ${code}`)));
        }),
    ),
  );
}

async function main() {
  const n = Number(process.argv[2] ?? 100_000);
  const gs = (process.argv[3] ?? '1,2,4').split(',').map(Number);
  const topic = `bench-updates-${Date.now()}`;
  console.log(`produce ${n}:`, await produce(topic, n));
  for (const g of gs)
    for (const mode of ['broadcast', 'routing']) {
      if (mode === 'routing' && g === 1) continue;
      const results = await runGateways(topic, g, mode, n);
      const read = results.reduce((s, r) => s + r.count, 0);
      const slowest = Math.max(...results.map((r) => r.wallMs));
      console.log(
        `${mode} G=${g}: read ${read} in ${slowest} ms (${Math.round((read / slowest) * 1000)} updates/s read in total)`,
        results.map((r) => `${r.count} @ ${r.cpuUsPerMsg} µs CPU`).join(', '),
      );
    }
}

if (process.argv[2] === '--gateway')
  gateway(JSON.parse(process.argv[3])).then(() => process.exit(0));
else
  main().then(
    () => process.exit(0),
    (err) => (console.error(err), process.exit(1)),
  );

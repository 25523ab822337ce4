#!/usr/bin/env node
// Readiness probes that send one REAL request over each engine's own wire protocol, with no
// npm dependency (kafkajs and cassandra-driver are not needed to bring the rig up):
//   node probe.js kafka 127.0.0.1:59092  -> Metadata v4 request; ready when the broker lists itself
//   node probe.js cql   127.0.0.1:59042  -> CQL v4 STARTUP + QUERY "SELECT release_version FROM system.local"
// Prints one line on success (exit 0); exits 1 with the reason otherwise. One connection per call,
// short timeout: infra/local/up calls it in a loop.
'use strict';
const net = require('node:net');

const [kind, address, timeoutArg] = process.argv.slice(2);
const TIMEOUT_MS = Number(timeoutArg || 3000);

function fail(message) {
  process.stderr.write(`probe ${kind} ${address}: ${message}\n`);
  process.exit(1);
}

if (!kind || !address) fail('usage: probe.js kafka|cql HOST:PORT [timeoutMs]');
const sep = address.lastIndexOf(':');
const host = address.slice(0, sep);
const port = Number(address.slice(sep + 1));

/** Connects, sends `frames` one after another, and hands each complete response to `onFrame`. */
function converse(splitFrame, firstRequest, onFrame) {
  const socket = net.connect({ host, port });
  const timer = setTimeout(() => {
    socket.destroy();
    fail(`no answer within ${TIMEOUT_MS} ms`);
  }, TIMEOUT_MS);
  let buffer = Buffer.alloc(0);
  const done = (line) => {
    clearTimeout(timer);
    socket.destroy();
    process.stdout.write(`${line}\n`);
    process.exit(0);
  };
  socket.on('connect', () => socket.write(firstRequest));
  socket.on('error', (err) => fail(err.code || err.message));
  socket.on('close', () => fail('connection closed before an answer'));
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const frame = splitFrame(buffer);
      if (!frame) return;
      buffer = buffer.subarray(frame.total);
      try {
        onFrame(frame, (b) => socket.write(b), done);
      } catch (err) {
        fail(err.message);
      }
    }
  });
}

/** A cursor over a big-endian buffer. */
class Reader {
  constructor(buf) {
    this.buf = buf;
    this.at = 0;
  }
  i8() {
    return this.buf.readInt8(this.at++);
  }
  i16() {
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  i32() {
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n) {
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  str16() {
    const n = this.i16();
    return n < 0 ? null : this.bytes(n).toString('utf8');
  }
}

function str16(s) {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function kafka() {
  // Request header v1 + Metadata v4 body: an empty topic list (brokers only), no auto-creation.
  const body = Buffer.concat([
    Buffer.from([0, 3, 0, 4]), // api_key 3 (Metadata), api_version 4
    Buffer.from([0, 0, 0, 7]), // correlation_id
    str16('eventchat-infra-probe'),
    Buffer.from([0, 0, 0, 0]), // topics: empty array
    Buffer.from([0]), // allow_auto_topic_creation: false
  ]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  const split = (buf) => {
    if (buf.length < 4) return null;
    const n = buf.readInt32BE(0);
    return buf.length < 4 + n ? null : { total: 4 + n, body: buf.subarray(4, 4 + n) };
  };
  converse(split, Buffer.concat([size, body]), (frame, _send, done) => {
    const r = new Reader(frame.body);
    if (r.i32() !== 7) throw new Error('unexpected correlation id');
    r.i32(); // throttle_time_ms
    const brokers = [];
    for (let n = r.i32(); n > 0; n--) {
      const id = r.i32();
      const h = r.str16();
      const p = r.i32();
      r.str16(); // rack
      brokers.push(`${id}@${h}:${p}`);
    }
    const clusterId = r.str16();
    const controller = r.i32();
    if (brokers.length === 0) throw new Error('the broker lists no broker yet');
    done(`kafka ready: cluster ${clusterId}, brokers ${brokers.join(',')}, controller ${controller}`);
  });
}

function cql() {
  const frame = (stream, opcode, body) => {
    const header = Buffer.alloc(9);
    header.writeUInt8(0x04, 0); // protocol v4, request
    header.writeUInt8(0, 1);
    header.writeInt16BE(stream, 2);
    header.writeUInt8(opcode, 4);
    header.writeInt32BE(body.length, 5);
    return Buffer.concat([header, body]);
  };
  const startup = frame(1, 0x01, Buffer.concat([Buffer.from([0, 1]), str16('CQL_VERSION'), str16('3.0.0')]));
  const query = 'SELECT release_version FROM system.local';
  const q = Buffer.from(query, 'utf8');
  const qlen = Buffer.alloc(4);
  qlen.writeInt32BE(q.length);
  const queryFrame = frame(2, 0x07, Buffer.concat([qlen, q, Buffer.from([0, 1]), Buffer.from([0])])); // ONE, no flags
  const split = (buf) => {
    if (buf.length < 9) return null;
    const n = buf.readInt32BE(5);
    if (buf.length < 9 + n) return null;
    return { total: 9 + n, opcode: buf.readUInt8(4), body: buf.subarray(9, 9 + n) };
  };
  converse(split, startup, (f, send, done) => {
    const r = new Reader(f.body);
    if (f.opcode === 0x00) {
      const code = r.i32();
      throw new Error(`server error 0x${code.toString(16)}: ${r.str16()}`);
    }
    if (f.opcode === 0x03) throw new Error('the server asks for authentication');
    if (f.opcode === 0x02) return send(queryFrame); // READY
    if (f.opcode !== 0x08) throw new Error(`unexpected opcode 0x${f.opcode.toString(16)}`);
    if (r.i32() !== 2) throw new Error('the result is not rows');
    const flags = r.i32();
    const columns = r.i32();
    if (flags & 0x0002) r.bytes(r.i32()); // paging state
    if (!(flags & 0x0004)) {
      const global = flags & 0x0001;
      if (global) r.str16(), r.str16();
      for (let c = 0; c < columns; c++) {
        if (!global) r.str16(), r.str16();
        r.str16(); // column name
        if (r.i16() === 0) r.str16(); // type id; custom types carry a class name
      }
    }
    if (r.i32() < 1) throw new Error('system.local has no row');
    const len = r.i32();
    done(`cql ready: release_version ${len < 0 ? 'null' : r.bytes(len).toString('utf8')}`);
  });
}

if (kind === 'kafka') kafka();
else if (kind === 'cql') cql();
else fail(`unknown probe "${kind}"`);

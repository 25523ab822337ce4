// Top frames by self time of a V8 .cpuprofile (node --cpu-prof), and the share of a few
// categories (GC, idle, program/native), and self time by where the code lives.
// Usage: node bench/lib/cpuprofile-top.js file [N=25] [fromUs toUs]  (a CLOCK_MONOTONIC window,
// e.g. pg-http-send's windowMonotonicUs: only the measured part of the run)
'use strict';
const { readFileSync } = require('node:fs');

function top(file, n = 25, window) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  // timeDeltas[i] is the time before samples[i]: attribute it to that sample's node. Sample
  // times are CLOCK_MONOTONIC µs: `window` [fromUs, toUs] keeps only those inside it.
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (window && (t < window[0] || t > window[1])) continue;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const frames = new Map();
  const groups = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id);
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    frames.set(key, (frames.get(key) ?? 0) + us);
    const group = groupOf(f);
    groups.set(group, (groups.get(group) ?? 0) + us);
    total += us;
  }
  const idle = frames.get('(idle)') ?? 0;
  const busy = total - idle;
  const rows = [...frames.entries()]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, us]) => ({ frame, ms: Math.round(us / 1000), pctOfBusy: Math.round((1000 * us) / busy) / 10 }));
  const byGroup = [...groups.entries()]
    .filter(([g]) => g !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .map(([group, us]) => ({ group, ms: Math.round(us / 1000), pctOfBusy: Math.round((1000 * us) / busy) / 10 }));
  return { totalMs: Math.round(total / 1000), busyMs: Math.round(busy / 1000), idleMs: Math.round(idle / 1000), top: rows, byGroup };
}

/** Where a frame's code lives: a package, the app's own code (dist/apps|libs/<name>), Node, or native. */
function groupOf(f) {
  const url = f.url ?? '';
  if (!url) return f.functionName.startsWith('(') ? f.functionName : `native: ${f.functionName}`;
  if (url.startsWith('node:')) return 'node core (JS)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `package ${pkg[1]}`;
  const own = /dist\/((?:apps|libs)\/[^/]+(?:\/src\/[^/]+)?)/.exec(url);
  if (own) return own[1].replace('/src', '');
  return url;
}

if (require.main === module) {
  const [from, to] = [process.argv[4], process.argv[5]].map(Number);
  const r = top(process.argv[2], Number(process.argv[3] ?? 25), from && to ? [from, to] : undefined);
  console.log(`total ${r.totalMs} ms, busy ${r.busyMs} ms, idle ${r.idleMs} ms`);
  for (const row of r.top) console.log(`${String(row.pctOfBusy).padStart(5)}%  ${String(row.ms).padStart(6)} ms  ${row.frame}`);
  console.log('\nself time by where the code lives:');
  for (const row of r.byGroup.slice(0, 25)) console.log(`${String(row.pctOfBusy).padStart(5)}%  ${String(row.ms).padStart(6)} ms  ${row.group}`);
}
module.exports = { top };

// `npm start`: build if the sources are newer than the last build (so a fresh clone needs only
// `npm ci && npm start`), then run the all-in-one server in this process.
'use strict';
const { execSync } = require('node:child_process');
const { existsSync, statSync, readdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist/apps/all-in-one/src/main.js');
const stamp = join(root, 'dist/.build-stamp');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|html|css)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const sources = ['apps', 'libs', 'web'].filter((d) => existsSync(join(root, d)));
const stale = !existsSync(entry) || !existsSync(stamp) || Math.max(...sources.map((d) => newestSource(join(root, d)))) > statSync(stamp).mtimeMs;
if (stale) {
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, new Date().toISOString());
}
require(entry);

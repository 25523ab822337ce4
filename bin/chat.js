#!/usr/bin/env node
// `chat` (package.json "bin"): the analysts' and auditors' CLI (docs/cli.md). Builds first when
// dist has no CLI yet (a fresh clone), as scripts/start.js does for the server.
'use strict';
const { execSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist/apps/cli/src/main.js');
if (!existsSync(entry)) {
  process.stderr.write('chat: building the CLI first (npx tsc -b tsconfig.build.json)\n');
  execSync('npx tsc -b tsconfig.build.json', { cwd: root, stdio: ['ignore', 2, 2] });
}
const { run } = require(entry);
run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
});

// `npm run test:real`: every suite that needs the real servers, with the settings that
// `npm run infra:up` wrote to .infra/env: the contract and integration suites of the production
// adapters (which skip loudly without those settings in `npm test`) and the `real` tier
// (production-mode processes). Extra arguments go to jest.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const envFile = join(root, '.infra/env');
if (!existsSync(envFile)) {
  process.stderr.write('test:real: .infra/env is missing: run `npm run infra:up` first\n');
  process.exit(2);
}
const env = { ...process.env };
for (const line of readFileSync(envFile, 'utf8').split('\n')) {
  const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
  if (match) env[match[1]] = match[2];
}
const realServerSuites =
  '/(postgres|eventstoredb|cassandra|kafka|redis)[^/]*\\.int\\.spec\\.ts$|\\.real\\.spec\\.ts$';
const args = [
  'jest',
  '--selectProjects',
  'int',
  'real',
  '--maxWorkers=2',
  '--testPathPattern',
  realServerSuites,
  ...process.argv.slice(2),
];
const result = spawnSync('npx', args, { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);

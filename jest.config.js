// Four tiers, named by file suffix (unit: pure/in-process, int: real engines on disk or, when
// their env var is set, real servers; e2e: the started process driven through its public
// HTTP/WebSocket interface; real: production-mode processes on the real servers of
// `npm run infra:up`, run by `npm run test:real` only).
const transform = { '^.+\\.ts$': ['@swc/jest'] };
const tier = (name, timeout) => ({
  displayName: name,
  testMatch: [`<rootDir>/**/*.${name}.spec.ts`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform,
  testEnvironment: 'node',
  ...(timeout ? { testTimeout: timeout } : {}),
});
module.exports = {
  projects: [tier('unit'), tier('int'), tier('e2e'), tier('real')],
  testTimeout: 60_000,
};

// Three tiers, named by file suffix (unit: pure/in-process, int: real engines on disk,
// e2e: the started process driven through its public HTTP/WebSocket interface).
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
  projects: [tier('unit'), tier('int'), tier('e2e')],
  testTimeout: 60_000,
};

// Lint rules that carry design decisions: the domain stays pure (no Nest, no drivers, no I/O).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'scripts/**', 'bench/**/*.js', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'fs', 'node:*', 'lmdb', 'ws', 'kafkajs', 'ioredis', 'cassandra-driver', '@eventstore/*', '**/apps/**', '**/event-store/**', '**/read-models/**'] }],
      'no-restricted-globals': ['error', 'Date', 'setTimeout', 'setInterval', 'fetch', 'process'],
    },
  },
  {
    files: ['**/*.spec.ts', 'bench/**', 'scripts/**', '**/testing/**', 'libs/client/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);

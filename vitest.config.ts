import { defineConfig } from 'vitest/config';
import { uiAliases } from './ui-aliases.ts';

/** Tests run in Node: unit tests beside the code, integration and browser tests in tests/. */
export default defineConfig({
  resolve: { alias: uiAliases },
  test: {
    include: [
      'server/**/*.test.ts',
      'scripts/**/*.test.ts',
      'overlay/**/*.test.ts',
      'console-ui/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config'

// Each test file runs in its own forked process: chDB is one engine per process,
// so files never share a data directory.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
})

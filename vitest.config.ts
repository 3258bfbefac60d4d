import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    reporters: ['default', './tests/helpers/backend-summary.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A poll waits on a page or a worker doing real work on a shared two-core machine: one second
    // (vitest's default) is shorter than a loaded run's slowest request.
    expect: { poll: { timeout: 10_000 } },
    // Two cores: one PGlite and one Postgres database per file, two files at a time.
    maxWorkers: 2,
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    reporters: ['default', './tests/helpers/backend-summary.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: one PGlite and one Postgres database per file, two files at a time.
    maxWorkers: 2,
  },
})

import { defineConfig } from 'vitest/config'

// One runner for the whole repo: `npm test` runs every project below.
// Suites that need a browser or a real PostgreSQL decide for themselves whether to
// run (see e2e/support and apps/server/test/db.ts) and say plainly when they skip.
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'protocol',
          root: './packages/protocol',
          environment: 'node',
        },
      },
      {
        test: {
          name: 'rules',
          root: './packages/rules',
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'server',
          root: './apps/server',
          environment: 'node',
          globalSetup: ['./test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'web',
          root: './apps/web',
          environment: 'jsdom',
          setupFiles: ['./src/test/setup.ts'],
        },
      },
      {
        test: {
          name: 'docs',
          root: '.',
          include: ['scripts/spec-ids.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          root: './e2e',
          environment: 'node',
          globalSetup: ['./global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})

import { defineConfig } from 'vitest/config'

// Two test files at a time outside the browser: most of a server file's time is spent waiting on
// timers, databases and sockets, so on 2 cores this halves the wall time without starving a file.
const UNIT_WORKERS = 2

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
          maxWorkers: UNIT_WORKERS,
          sequence: { groupOrder: 0 },
          root: './packages/protocol',
          environment: 'node',
        },
      },
      {
        test: {
          name: 'rules',
          maxWorkers: UNIT_WORKERS,
          sequence: { groupOrder: 0 },
          root: './packages/rules',
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'server',
          maxWorkers: UNIT_WORKERS,
          sequence: { groupOrder: 0 },
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
          maxWorkers: UNIT_WORKERS,
          sequence: { groupOrder: 0 },
          root: './apps/web',
          environment: 'jsdom',
          setupFiles: ['./src/test/setup.ts'],
        },
      },
      {
        test: {
          name: 'docs',
          maxWorkers: UNIT_WORKERS,
          sequence: { groupOrder: 0 },
          root: '.',
          include: ['scripts/spec-ids.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          // after every other project, alone: its timings (a card within a second) stay honest
          sequence: { groupOrder: 1 },
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

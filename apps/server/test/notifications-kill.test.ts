import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { type Database, openDatabase } from '../src/db/database.js'
import { notificationOutbox, spaces, webhookEndpoints } from '../src/db/schema.js'
import { seedDemo } from '../src/demo/seed.js'
import { LocalHttp } from './notifications-support.js'
import { databaseKinds, freshDatabase, TestClock, testConfig } from './support.js'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const ROWS = 40
// the worker's defaults, which the child runs with: at most this many rows in flight
const BATCH = 16
const LEASE_MS = 120_000
// the receiver answers the child's first this many posts and holds every later one unanswered
const ANSWERED = 10

/** Polls `check` until it answers true, or fails after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The real server (`src/server.ts`) as its own process, on the test's database, with nothing of
 * the test's environment but what it needs. Started with `node --import tsx` so its pid is the
 * server's own (no npx chain), and killed by that pid.
 */
function startServerProcess(databaseUrl: string): { child: ChildProcess; output: () => string } {
  let output = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/server.ts'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      FLARE_DEMO: 'false',
      ALLOW_PRIVATE_URLS: 'true',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return { child, output: () => output }
}

// two processes on one database: PostgreSQL only (an embedded PGlite is one process's)
const postgresKind = databaseKinds().find((k) => k.name === 'postgres')
if (!postgresKind) {
  process.stdout.write(
    '[notifications-kill] SKIPPED: a killed server process and its successor need one ' +
      'PostgreSQL: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n',
  )
}

describe.skipIf(!postgresKind)(
  '[7.1] a server process killed with SIGKILL mid-batch, on PostgreSQL',
  () => {
    const receiver = new LocalHttp()
    let database: Database
    let drop: () => Promise<void>
    let databaseUrl = ''
    let server: ReturnType<typeof startServerProcess> | null = null
    let second: FastifyInstance | null = null
    let secondDb: Database | null = null

    beforeAll(async () => {
      await receiver.start()
      const fresh = await freshDatabase('postgres')
      drop = fresh.drop
      if (fresh.target.kind !== 'postgres') throw new Error('needs PostgreSQL')
      databaseUrl = fresh.target.url
      database = await openDatabase(fresh.target)
      await seedDemo(database)
    }, 120_000)
    afterAll(async () => {
      if (server?.child.exitCode === null) server.child.kill('SIGKILL')
      await second?.close()
      await secondDb?.close()
      await database?.close()
      await drop?.()
      await receiver.stop()
    })

    it('[7.1] the rest go out after the lease from another process; only the unrecorded ones twice', async () => {
      const [space] = await database.db.select({ id: spaces.id }).from(spaces)
      const [endpoint] = await database.db
        .insert(webhookEndpoints)
        .values({ spaceId: space!.id, url: `${receiver.url}/kill`, secret: 'whsec_kill' })
        .returning()
      const queuedAt = new Date()
      await database.db.insert(notificationOutbox).values(
        Array.from({ length: ROWS }, (_, i) => ({
          spaceId: space!.id,
          target: `webhook:${endpoint!.id}`,
          channel: 'webhook',
          idempotencyKey: `kill:${i}`,
          createdAt: queuedAt,
          queuedAt,
          nextAttemptAt: queuedAt,
        })),
      )
      const rows = () =>
        database.db
          .select()
          .from(notificationOutbox)
          .where(
            and(
              eq(notificationOutbox.spaceId, space!.id),
              eq(notificationOutbox.channel, 'webhook'),
            ),
          )
      const keysReceived = () =>
        receiver.to('/kill').map((r) => String(r.headers['idempotency-key']))

      // the receiver takes the first ANSWERED posts and holds the others without an answer
      receiver.answers = Array.from({ length: ANSWERED }, () => ({ status: 204 }))
      receiver.fallback = { status: 204, hang: true }

      // a real server process drains the outbox at start, BATCH rows in flight at most: each
      // answered one's place is taken by the next, until BATCH hang unanswered
      server = startServerProcess(databaseUrl)
      const exited = new Promise<void>((resolve) => server!.child.once('exit', () => resolve()))
      await until(
        `the child's sends (output: ${server.output()})`,
        async () =>
          keysReceived().length >= ANSWERED + BATCH &&
          (await rows()).filter((r) => r.state === 'sent').length === ANSWERED,
      )
      server.child.kill('SIGKILL')
      await exited
      expect(server.child.signalCode).toBe('SIGKILL')

      const atKill = await rows()
      const recordedSent = new Set(
        atKill.filter((r) => r.state === 'sent').map((r) => r.idempotencyKey),
      )
      const leased = atKill.filter((r) => r.state === 'pending' && r.leaseToken !== null)
      const untouched = atKill.filter((r) => r.state === 'pending' && r.attempts === 0)
      // the documented window: the receiver got these, the process died before recording it
      const window = new Set(keysReceived().filter((k) => !recordedSent.has(k)))
      expect(recordedSent.size).toBe(ANSWERED)
      expect(leased).toHaveLength(BATCH)
      expect(new Set(leased.map((r) => r.idempotencyKey))).toEqual(window)
      expect(untouched).toHaveLength(ROWS - ANSWERED - BATCH)

      // another process takes over (this test's own, on its own connection)
      receiver.fallback = { status: 204 }
      const clock = new TestClock(new Date())
      secondDb = await openDatabase({ kind: 'postgres', url: databaseUrl })
      second = await buildApp({
        config: testConfig({ ALLOW_PRIVATE_URLS: 'true' }),
        database: secondDb,
        cookieSecret: 'kill-test-cookie-secret-of-32-chars!!',
        logger: false,
        clock: clock.now,
      })
      await second.ready()

      // before the lease ends it sends what was never claimed, and leaves the leased rows alone
      const before = await second.notifications.runDue(clock.now())
      expect(before.map((o) => o.result)).toEqual(Array(ROWS - ANSWERED - BATCH).fill('sent'))
      expect(before.some((o) => leased.some((r) => r.id === o.id))).toBe(false)

      // after the lease: the rows the dead process never recorded
      clock.current = new Date(Math.max(...leased.map((r) => r.nextAttemptAt.getTime())))
      expect(clock.current.getTime() - queuedAt.getTime()).toBeGreaterThanOrEqual(LEASE_MS)
      const after = await second.notifications.runDue(clock.now())
      expect(after.map((o) => o.id).sort()).toEqual(leased.map((r) => r.id).sort())
      expect(after.every((o) => o.result === 'sent')).toBe(true)

      const final = await rows()
      expect(final.every((r) => r.state === 'sent')).toBe(true)
      // the receiver, deduplicating by idempotency key, has every message once; the only
      // repeats are the documented window's, once each
      const counts = new Map<string, number>()
      for (const key of keysReceived()) counts.set(key, (counts.get(key) ?? 0) + 1)
      expect(counts.size).toBe(ROWS)
      const repeated = [...counts].filter(([, n]) => n > 1)
      expect(new Set(repeated.map(([key]) => key))).toEqual(window)
      expect(repeated.every(([, n]) => n === 2)).toBe(true)
      for (const key of recordedSent) expect(counts.get(key)).toBe(1)
    }, 180_000)
  },
)

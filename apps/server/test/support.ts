import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import postgres from 'postgres'
import { type AppOptions, buildApp } from '../src/app.js'
import { normaliseEmail } from '../src/auth/identity.js'
import type { LoginLimits } from '../src/auth/login-throttle.js'
import { hashPassword } from '../src/auth/passwords.js'
import { type Config, loadConfig } from '../src/config.js'
import { type Database, type DatabaseTarget, openDatabase } from '../src/db/database.js'
import { memberships, spaces, users } from '../src/db/schema.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import type { RealtimeLimits } from '../src/realtime/authority.js'

/** A database a test suite can run on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export interface TestDatabaseKind {
  name: 'pglite' | 'postgres'
  /** A brand-new, empty database of this kind, and how to throw it away. */
  fresh(): Promise<{ target: DatabaseTarget; drop(): Promise<void> }>
}

const pglite: TestDatabaseKind = {
  name: 'pglite',
  fresh: async () => ({ target: { kind: 'pglite', dataDir: null }, drop: async () => {} }),
}

/**
 * Each suite gets its own database on the server, so runs never see each other's data, and
 * drops it afterwards.
 */
function postgresKind(baseUrl: string): TestDatabaseKind {
  return {
    name: 'postgres',
    async fresh() {
      const name = `flare_t_${randomBytes(6).toString('hex')}`
      const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
      await admin.unsafe(`create database ${name}`)
      await admin.end()
      const url = new URL(baseUrl)
      url.pathname = `/${name}`
      return {
        target: { kind: 'postgres', url: url.toString() },
        async drop() {
          const again = postgres(baseUrl, { max: 1, onnotice: () => {} })
          await again.unsafe(`drop database if exists ${name} with (force)`)
          await again.end()
        },
      }
    },
  }
}

export function databaseKinds(): TestDatabaseKind[] {
  const url = process.env.TEST_DATABASE_URL
  return url ? [pglite, postgresKind(url)] : [pglite]
}

/** A brand-new database of the named kind (PGlite in memory, or a fresh PostgreSQL one). */
export function freshDatabase(
  kindName: TestDatabaseKind['name'],
): Promise<{ target: DatabaseTarget; drop(): Promise<void> }> {
  const kind = databaseKinds().find((k) => k.name === kindName)
  if (!kind) throw new Error(`no database kind ${kindName}`)
  return kind.fresh()
}

/**
 * A fresh database that outlives the app, for restart tests: PGlite in a real folder (as
 * `npm start` uses it, so a restart reads from disk) or a fresh PostgreSQL database.
 */
export async function durableDatabase(
  kindName: TestDatabaseKind['name'],
): Promise<{ target: DatabaseTarget; drop(): Promise<void> }> {
  if (kindName === 'pglite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'flare-durable-'))
    return {
      target: { kind: 'pglite', dataDir: dir },
      drop: () => rm(dir, { recursive: true, force: true }),
    }
  }
  return freshDatabase(kindName)
}

export class TestClock {
  constructor(public current = new Date('2026-11-23T10:00:00.000Z')) {}
  now = (): Date => new Date(this.current.getTime())
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return { ...loadConfig({ LOG_LEVEL: 'silent', ...overrides }), webDist: null }
}

export interface TestApp {
  app: FastifyInstance
  database: Database
  clock: TestClock
  config: Config
  spaceId: string
  /** A second space with one member of its own, for "another space's ids" cases. */
  otherSpace: { spaceId: string; email: string }
  userId(email: string): Promise<string>
  /** Starts listening on a free loopback port and returns the base URL. */
  listen(): Promise<string>
  /** Logs in through the real endpoint and returns the `cookie` header to send. */
  login(email: string): Promise<string>
  close(): Promise<void>
}

export async function startTestApp(
  kind: TestDatabaseKind,
  options: {
    config?: Record<string, string>
    loginLimits?: Partial<LoginLimits>
    reconnectGraceMs?: number
    moveFlushMs?: number
    raisesPerMinute?: number
    notifications?: AppOptions['notifications']
    realtimeLimits?: Partial<RealtimeLimits>
  } = {},
): Promise<TestApp> {
  const { target, drop } = await kind.fresh()
  const database = await openDatabase(target)
  await seedDemo(database)
  const [space] = await database.db.select({ id: spaces.id }).from(spaces)
  if (!space) throw new Error('demo space missing')
  const otherSpace = await createOtherSpace(database)
  const clock = new TestClock()
  const config = testConfig(options.config)
  const app = await buildApp({
    config,
    database,
    cookieSecret: 'test-cookie-secret-of-at-least-32-chars!',
    clock: clock.now,
    logger: false,
    // tests log in a lot from one address; the limits' own tests set them low
    loginLimits: options.loginLimits ?? { accountFailures: 1000, addressFailures: 1000 },
    reconnectGraceMs: options.reconnectGraceMs ?? 30_000,
    moveFlushMs: options.moveFlushMs ?? 100,
    raisesPerMinute: options.raisesPerMinute ?? 1000,
    ...(options.notifications ? { notifications: options.notifications } : {}),
    // the test clock stands still, so every message of a suite falls in one window
    realtimeLimits: options.realtimeLimits ?? {
      chat: { limit: 100_000, windowMs: 10_000 },
      connectionsPerUser: 1000,
    },
  })
  return {
    app,
    database,
    clock,
    config,
    spaceId: space.id,
    otherSpace,
    async userId(email) {
      const [row] = await database.db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.email, email))
      if (!row) throw new Error(`no user ${email}`)
      return row.id
    },
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 })
      const address = app.server.address()
      if (!address || typeof address === 'string') throw new Error('no port')
      return `http://127.0.0.1:${address.port}`
    },
    async login(email) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: DEMO_PASSWORD },
      })
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
      const cookie = res.cookies.find((c) => c.name === 'flare_session')
      if (!cookie) throw new Error('no session cookie')
      return `flare_session=${cookie.value}`
    },
    async close() {
      // the database goes even when closing the app fails (a test that stopped Redis or the
      // database under it): a failed close left one database behind per full run
      try {
        await app.close()
      } finally {
        await drop()
      }
    },
  }
}

async function createOtherSpace(database: Database): Promise<{ spaceId: string; email: string }> {
  const email = 'outsider@other.test'
  const [space] = await database.db
    .insert(spaces)
    .values({ name: 'Other Center', mapWidth: 800, mapHeight: 600, timezone: 'UTC' })
    .returning({ id: spaces.id })
  const [user] = await database.db
    .insert(users)
    .values({
      email: normaliseEmail(email),
      displayName: 'Olive Outsider',
      passwordHash: await hashPassword(DEMO_PASSWORD),
    })
    .returning({ id: users.id })
  if (!space || !user) throw new Error('other space not created')
  await database.db
    .insert(memberships)
    .values({ spaceId: space.id, userId: user.id, role: 'admin' })
  return { spaceId: space.id, email }
}

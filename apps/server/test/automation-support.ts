import type { EscalationRule, InboxDto } from '@flare/protocol'
import { eq, inArray } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import postgres from 'postgres'
import { buildApp } from '../src/app.js'
import { type Database, type DatabaseTarget, openDatabase } from '../src/db/database.js'
import { escalationFirings, notificationOutbox, tickets } from '../src/db/schema.js'
import { seedDemo } from '../src/demo/seed.js'
import { type TestApp, testConfig } from './support.js'
import { cookieOf, customerTexts, freshInbox } from './tickets-support.js'

/** Shared steps of the automatic escalation suites. */

export const MINUTE = 60_000

let numbers = 0
/** A new inbox with a number no other test used, so a test sees only its own tickets. */
export async function isolatedInbox(t: TestApp): Promise<InboxDto & { webhookSecret: string }> {
  numbers += 1
  return freshInbox(t, `+1555077${String(numbers).padStart(4, '0')}`)
}

let customers = 0
/** A customer texts the inbox from a number no other test used; returns the ticket id. */
export function customerWrites(
  t: TestApp,
  inbox: { channelAddress: string | null; webhookSecret: string },
  body = 'Hello, anyone there?',
): Promise<string> {
  customers += 1
  return customerTexts(t, inbox, `+1555088${String(customers).padStart(4, '0')}`, body)
}

/** A rule body with the fields every test repeats filled in. */
export function ruleBody(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    name: `Rule ${Math.random().toString(36).slice(2, 8)}`,
    enabled: true,
    priority: 'all',
    escalateAfterMinutes: 30,
    businessHoursOnly: false,
    escalateTo: 'assigned',
    notificationChannels: ['in_app'],
    ...overrides,
  }
}

/** Creates a rule as the demo manager; throws unless it is stored. */
export async function createRule(
  t: TestApp,
  overrides: Record<string, unknown>,
): Promise<EscalationRule> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/tickets/escalation-rules',
    headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    payload: ruleBody(overrides),
  })
  if (res.statusCode !== 201) throw new Error(`rule: ${res.statusCode} ${res.body}`)
  return res.json().rule
}

export async function ticketRow(t: TestApp, ticketId: string) {
  const [row] = await t.database.db.select().from(tickets).where(eq(tickets.id, ticketId))
  if (!row) throw new Error('no ticket')
  return row
}

/** Rule ids of the ticket's escalation history, oldest first. */
export async function firedRuleIds(t: TestApp, ticketId: string): Promise<Array<string | null>> {
  return (await ticketRow(t, ticketId)).escalationHistory.map((e) => e.ruleId)
}

export async function outboxOf(t: TestApp, ticketIds: string[]) {
  return t.database.db
    .select()
    .from(notificationOutbox)
    .where(inArray(notificationOutbox.ticketId, ticketIds))
}

export async function firingsOf(t: TestApp, ticketId: string) {
  return t.database.db
    .select()
    .from(escalationFirings)
    .where(eq(escalationFirings.ticketId, ticketId))
}

/** Moves the test clock to `minutes` after `from` and fires what is due then. */
export async function fireAt(t: TestApp, from: Date, minutes: number) {
  t.clock.current = new Date(from.getTime() + minutes * MINUTE)
  return t.app.scheduler.runDue(t.clock.now())
}

/** An app on an existing database, as another server process would build it. */
export async function bootOn(
  target: DatabaseTarget,
  options: { clock?: () => Date; scheduler?: boolean; seed?: boolean } = {},
): Promise<{ app: FastifyInstance; database: Database }> {
  const database = await openDatabase(target)
  if (options.seed) await seedDemo(database)
  const app = await buildApp({
    config: testConfig(),
    database,
    cookieSecret: 'automation-test-cookie-secret-32-chars',
    logger: false,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.scheduler !== undefined ? { scheduler: options.scheduler } : {}),
  })
  await app.ready()
  return { app, database }
}

/**
 * Another connection's transaction runs `take` (say, `select … for update`) and keeps what it
 * locked until `release()`, which rolls it back.
 */
export async function holdLocks(
  url: string,
  take: (tx: postgres.TransactionSql) => Promise<unknown>,
): Promise<{ release(): Promise<void> }> {
  const client = postgres(url, { max: 1, onnotice: () => {} })
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  let taken: () => void = () => {}
  const locked = new Promise<void>((resolve) => (taken = resolve))
  const holding = client
    .begin(async (tx) => {
      await take(tx)
      taken()
      await released
      throw new Error('rolled back')
    })
    .catch(() => {})
  await locked
  return {
    async release() {
      release()
      await holding
      await client.end()
    },
  }
}

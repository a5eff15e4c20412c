import { applyRuleDefaults } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import {
  escalationFirings,
  escalationRules,
  inboxes,
  spaces,
  tickets,
  users,
} from '../src/db/schema.js'
import { bootOn, MINUTE } from './automation-support.js'
import { databaseKinds, type TestDatabaseKind } from './support.js'

/** Polls until `probe` answers something, or the deadline passes. */
async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = await probe()
    if (found !== null || Date.now() > deadline) return found
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * The bar, on the real clock with the timer-driven scheduler as in production: a
 * level-1 firing with `acknowledgeWithinMinutes: 1` that nobody takes climbs to level 2 within
 * 1 s of the minute; one that is taken does not. Both tickets run side by side, so the suite
 * waits one real minute per database, and the databases run at once.
 */
async function bar(kind: TestDatabaseKind, cleanups: Array<() => Promise<void>>) {
  const { target, drop } = await kind.fresh()
  cleanups.push(drop)
  const { app, database } = await bootOn(target, { seed: true, scheduler: true })
  cleanups.push(() => app.close())
  const db = database.db
  const [space] = await db.select().from(spaces)
  const [inbox] = await db
    .insert(inboxes)
    .values({ spaceId: space!.id, name: 'Bar', channelAddress: '+15550700' })
    .returning()
  const [dana] = await db.select().from(users).where(eq(users.email, 'dana@flare.test'))
  const [max] = await db.select().from(users).where(eq(users.email, 'manager@flare.test'))
  const rule = (name: string, minutes: number, to: string, acknowledgeWithinMinutes?: number) =>
    applyRuleDefaults({
      name,
      enabled: true,
      inboxId: inbox!.id,
      priority: 'all',
      escalateAfterMinutes: minutes,
      businessHoursOnly: false,
      escalateTo: 'specific_user',
      escalateToUserId: to,
      notificationChannels: ['in_app'],
      ...(acknowledgeWithinMinutes ? { acknowledgeWithinMinutes } : {}),
    })
  const [level1, level2] = await db
    .insert(escalationRules)
    .values([
      { spaceId: space!.id, inboxId: inbox!.id, definition: rule('Level 1', 1, dana!.id, 1) },
      { spaceId: space!.id, inboxId: inbox!.id, definition: rule('Level 2', 30, max!.id) },
    ])
    .returning()

  // two customers who have waited a minute less 300 ms: level 1 fires for both in 300 ms
  const dueAt = Date.now() + 300
  const ticketsNow = await db
    .insert(tickets)
    .values(
      ['+15550701', '+15550702'].map((phone) => ({
        spaceId: space!.id,
        inboxId: inbox!.id,
        subject: `Bar ${phone}`,
        customerPhone: phone,
        waitingSince: new Date(dueAt - MINUTE),
      })),
    )
    .returning()
  const [ignored, taken] = ticketsNow
  await app.scheduler.recompute(ticketsNow.map((t) => t.id))

  const firedLevel1 = (ticketId: string) =>
    waitFor(async () => {
      const [firing] = await db
        .select()
        .from(escalationFirings)
        .where(
          and(eq(escalationFirings.ticketId, ticketId), eq(escalationFirings.ruleId, level1!.id)),
        )
      return firing ?? null
    }, 5000)
  const [ignoredFiring, takenFiring] = await Promise.all([
    firedLevel1(ignored!.id),
    firedLevel1(taken!.id),
  ])
  expect(ignoredFiring).not.toBeNull()
  expect(takenFiring).not.toBeNull()
  // Dana takes one of them at once, as from her pop-up
  await app.acknowledgements.acknowledge(space!.id, takenFiring!.id, dana!.id, 'app')

  const deadline = ignoredFiring!.escalatedAt.getTime() + MINUTE
  const climbed = await waitFor(
    async () => {
      const [row] = await db.select().from(tickets).where(eq(tickets.id, ignored!.id))
      return row && row.escalationHistory.length >= 2 ? row : null
    },
    deadline - Date.now() + 5000,
  )
  expect(climbed).not.toBeNull()
  const entry = climbed!.escalationHistory[1]!
  expect(entry).toMatchObject({ ruleId: level2!.id, level: 2, cause: 'acknowledge_timeout' })
  const late = new Date(entry.escalatedAt).getTime() - deadline
  expect(late).toBeGreaterThanOrEqual(0)
  expect(late).toBeLessThan(1000)

  // the taken one: past its own minute (and a little more), still one firing
  const takenDeadline = takenFiring!.escalatedAt.getTime() + MINUTE
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, takenDeadline + 1500 - Date.now())),
  )
  const [still] = await db.select().from(tickets).where(eq(tickets.id, taken!.id))
  expect(still!.escalationHistory.map((e) => e.ruleId)).toEqual([level1!.id])
  expect(
    (await db.select().from(escalationFirings).where(eq(escalationFirings.ticketId, taken!.id)))
      .length,
  ).toBe(1)
}

describe('[11.2.3] the acknowledgement timeout bar, on the real clock', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('[11.2.3] an unacknowledged firing with acknowledgeWithinMinutes: 1 climbs within 1 s of the minute; an acknowledged one does not', async () => {
    await Promise.all(databaseKinds().map((kind) => bar(kind, cleanups)))
  }, 150_000)
})

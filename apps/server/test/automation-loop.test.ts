import { applyRuleDefaults } from '@flare/protocol'
import { eq } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { escalationRules, inboxes, spaces, tickets } from '../src/db/schema.js'
import { bootOn, MINUTE } from './automation-support.js'
import { databaseKinds } from './support.js'

describe.each(databaseKinds())('the timer-driven scheduler loop on $name', (kind) => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('[6.4] wakes on the in-process signal and fires within a second of the due instant', async () => {
    const { target, drop } = await kind.fresh()
    cleanups.push(drop)
    const { app, database } = await bootOn(target, { seed: true, scheduler: true })
    cleanups.push(() => app.close())
    const db = database.db
    const [space] = await db.select().from(spaces)
    const [inbox] = await db.select().from(inboxes).where(eq(inboxes.spaceId, space!.id))
    await db.insert(escalationRules).values({
      spaceId: space!.id,
      inboxId: inbox!.id,
      definition: applyRuleDefaults({
        name: 'One minute',
        enabled: true,
        priority: 'all',
        escalateAfterMinutes: 1,
        businessHoursOnly: false,
        notificationChannels: ['in_app'],
      }),
    })
    // a customer who has waited 1 minute less 400 ms: due in 400 ms of real time
    const dueAt = Date.now() + 400
    const [ticket] = await db
      .insert(tickets)
      .values({
        spaceId: space!.id,
        inboxId: inbox!.id,
        subject: 'Timer test',
        customerPhone: '+15550999',
        waitingSince: new Date(dueAt - MINUTE),
      })
      .returning()
    await app.scheduler.recompute([ticket!.id])
    const [scheduled] = await db.select().from(tickets).where(eq(tickets.id, ticket!.id))
    expect(scheduled!.nextDueAt?.getTime()).toBe(dueAt)
    let fired: Date | null = null
    const deadline = Date.now() + 5000
    while (!fired && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25))
      const [row] = await db.select().from(tickets).where(eq(tickets.id, ticket!.id))
      fired = row!.lastEscalatedAt
    }
    expect(fired).not.toBeNull()
    // recorded at the instant the loop ran: within a second of when it was due
    expect(fired!.getTime() - dueAt).toBeGreaterThanOrEqual(0)
    expect(fired!.getTime() - dueAt).toBeLessThan(1000)
  })
})

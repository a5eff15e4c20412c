import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import type { DatabaseTarget } from '../src/db/database.js'
import {
  inboxes,
  memberships,
  notificationOutbox,
  slaWarnings,
  spaces,
  tickets,
  users,
} from '../src/db/schema.js'
import { bootOn, MINUTE } from './automation-support.js'
import { databaseKinds, durableDatabase, TestClock } from './support.js'

/**
 * Pre-breach warnings across restarts and processes (SPEC §8.1.5): the claim is an insert
 * the unique key refuses a second time, as firings are.
 */
describe.each(databaseKinds())('SLA warnings across restarts and processes on $name', (kind) => {
  const closers: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const close of closers.reverse()) await close()
  })

  async function boot(target: DatabaseTarget, clock: TestClock, seed = false) {
    const booted = await bootOn(target, { clock: clock.now, seed })
    let open = true
    const close = async () => {
      if (open) await booted.app.close()
      open = false
    }
    closers.push(close)
    return { app: booted.app, close }
  }

  /** An urgent ticket, assigned to the manager, in a fresh inbox with a 15-minute policy of its own. */
  async function atRiskSoon(app: FastifyInstance, address: string) {
    const db = app.database.db
    const [space] = await db.select().from(spaces).limit(1)
    const [manager] = await db
      .select({ id: users.id })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(memberships.role, 'manager'))
    const [inbox] = await db
      .insert(inboxes)
      .values({ spaceId: space!.id, name: `SLA ${address}`, channelAddress: address })
      .returning()
    // PUT replaces the set: keep the policies earlier calls added
    const kept = (await app.slaPolicies.list(space!.id)).map((p) => ({
      priority: p.priority,
      inboxId: p.inboxId,
      firstResponseMinutes: p.firstResponseMinutes,
    }))
    await app.slaPolicies.replace(space!.id, manager!.id, {
      policies: [...kept, { priority: 'urgent', inboxId: inbox!.id, firstResponseMinutes: 15 }],
    })
    await app.dueRecompute.runPending()
    const received = await app.tickets.service.receiveInbound({
      inbox: inbox!,
      customer: { phone: `${address}9` },
      body: 'Nothing works',
    })
    const ticket = await app.tickets.service.update(space!.id, received.ticketId, {
      priority: 'urgent',
      assignedToUserId: manager!.id,
    })
    expect(ticket.slaStatus).toBe('on_track')
    return { ticketId: received.ticketId, managerId: manager!.id }
  }

  async function warningsOf(app: FastifyInstance, ticketId: string) {
    const db = app.database.db
    const warnings = await db.select().from(slaWarnings).where(eq(slaWarnings.ticketId, ticketId))
    const rows = await db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.ticketId, ticketId))
    return { warnings, outbox: rows.filter((r) => r.event === 'ticket.sla_warning') }
  }

  it('[8.1.5] a restarted server does not warn again', async () => {
    const { target, drop } = await durableDatabase(kind.name)
    closers.unshift(drop)
    const clock = new TestClock(new Date('2026-11-24T10:00:00.000Z'))
    const first = await boot(target, clock, true)
    const start = clock.now()
    const { ticketId, managerId } = await atRiskSoon(first.app, '+15550701')
    clock.current = new Date(start.getTime() + 12 * MINUTE)
    const warned = await first.app.scheduler.runDue(clock.now())
    expect(warned.flatMap((p) => p.warnings).map((w) => w.ticket.id)).toEqual([ticketId])
    await first.close()

    const second = await boot(target, clock)
    clock.current = new Date(start.getTime() + 12.5 * MINUTE)
    // as if the first process died before it stored the ticket's next due instant: the ticket
    // is claimed again while still at risk, and the warning's claim refuses a second one
    await second.app.database.db
      .update(tickets)
      .set({ nextDueAt: clock.now() })
      .where(eq(tickets.id, ticketId))
    const again = await second.app.scheduler.runDue(clock.now())
    expect(again.map((p) => p.ticket.id)).toContain(ticketId)
    expect(again.flatMap((p) => p.warnings)).toEqual([])
    const { warnings, outbox } = await warningsOf(second.app, ticketId)
    expect(warnings).toHaveLength(1)
    expect(outbox.map((r) => r.target)).toEqual([`user:${managerId}`])
  }, 120_000)

  it.skipIf(kind.name !== 'postgres')(
    '[8.1.5] two processes at the at-risk instant warn once between them',
    async () => {
      const { target, drop } = await durableDatabase(kind.name)
      closers.unshift(drop)
      const clock = new TestClock(new Date('2026-11-24T10:00:00.000Z'))
      const a = await boot(target, clock, true)
      const b = await boot(target, clock)
      const start = clock.now()
      const tickets = []
      for (let i = 0; i < 20; i++) {
        tickets.push(await atRiskSoon(a.app, `+1555072${String(i).padStart(2, '0')}`))
      }
      clock.current = new Date(start.getTime() + 12 * MINUTE)
      const [byA, byB] = await Promise.all([
        a.app.scheduler.runDue(clock.now()),
        b.app.scheduler.runDue(clock.now()),
      ])
      const warned = [...byA, ...byB].flatMap((p) => p.warnings).map((w) => w.ticket.id)
      expect(warned.sort()).toEqual(tickets.map((x) => x.ticketId).sort())
      for (const { ticketId } of tickets) {
        const { warnings, outbox } = await warningsOf(a.app, ticketId)
        expect(warnings).toHaveLength(1)
        expect(outbox).toHaveLength(1)
      }
    },
    60_000,
  )
})

import type { SpaceSnapshot } from '@flare/protocol'
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
import { DEMO_PASSWORD } from '../src/demo/seed.js'
import { bootOn, MINUTE } from './automation-support.js'
import { Clients, emitAck } from './sockets.js'
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

  it('[8.1.5] a restarted server does not warn again, and its first snapshot brings the unshown warning once', async () => {
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

    // the manager had no tab open when the first process warned: the restarted one brings the
    // amber card with his first snapshot, once
    await second.app.listen({ host: '127.0.0.1', port: 0 })
    const address = second.app.server.address()
    if (!address || typeof address === 'string') throw new Error('no port')
    const clients = new Clients(() => `http://127.0.0.1:${address.port}`)
    closers.push(async () => clients.closeAll())
    const login = await second.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'manager@flare.test', password: DEMO_PASSWORD },
    })
    const session = login.cookies.find((c) => c.name === 'flare_session')
    const cookie = `flare_session=${session!.value}`
    const [space] = await second.app.database.db.select().from(spaces).limit(1)
    const mine = (snapshot: SpaceSnapshot) =>
      (snapshot.slaWarnings ?? []).filter((w) => w.ticket.id === ticketId)
    const tab = await clients.join(space!.id, cookie)
    expect(mine(tab.snapshot).map((w) => w.warningId)).toEqual([warnings[0]!.id])
    expect(
      await emitAck(tab.client, 'ticket:receipt', { warningId: warnings[0]!.id }),
    ).toMatchObject({ ok: true, first: true })
    const later = await clients.join(space!.id, cookie)
    expect(mine(later.snapshot)).toEqual([])
    clients.closeAll()
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

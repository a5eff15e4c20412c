import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../src/app.js'
import { type DatabaseTarget, openDatabase } from '../src/db/database.js'
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.js'
import { databaseKinds, durableDatabase, freshDatabase, TestClock, testConfig } from './support.js'

/** One run of the server against the database, as `npm start` does it. */
async function boot(target: DatabaseTarget, clock: () => Date) {
  const database = await openDatabase(target)
  await seedDemo(database)
  const app = await buildApp({
    config: testConfig(),
    database,
    cookieSecret: 'test-cookie-secret-of-at-least-32-chars!',
    clock,
    logger: false,
  })
  await app.ready()
  return { app, database }
}

async function login(app: FastifyInstance, email: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: DEMO_PASSWORD },
  })
  return `flare_session=${res.cookies.find((c) => c.name === 'flare_session')?.value}`
}

/** A customer text to the demo inbox, then a hold until `until`; returns the ticket id. */
async function heldTicket(
  app: FastifyInstance,
  until: Date | null | (() => Date),
  from: string,
): Promise<string> {
  const cookie = await login(app, 'manager@flare.test')
  const spaceId = (await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).json()
    .spaces[0].id
  const inbox = (
    await app.inject({ method: 'GET', url: `/api/spaces/${spaceId}/inboxes`, headers: { cookie } })
  ).json().inboxes[0]
  await app.inject({
    method: 'POST',
    url: `/api/inbound/inboxes/${inbox.id}/messages`,
    headers: { 'x-flare-inbox-secret': inbox.webhookSecret },
    payload: { customer: { phone: from }, body: 'Call me back tomorrow' },
  })
  const list = await app.inject({
    method: 'GET',
    url: `/api/spaces/${spaceId}/tickets?status=open&waiting=true`,
    headers: { cookie },
  })
  const ticket = list
    .json()
    .tickets.find((x: { customer: { phone: string } }) => x.customer.phone === from)
  const end = typeof until === 'function' ? until() : until
  const held = await app.inject({
    method: 'PATCH',
    url: `/api/spaces/${spaceId}/tickets/${ticket.id}`,
    headers: { cookie },
    payload: { status: 'on_hold', holdUntil: end ? end.toISOString() : null },
  })
  if (held.statusCode !== 200) throw new Error(held.body)
  return ticket.id
}

async function statusOf(app: FastifyInstance, ticketId: string) {
  const rows = await app.database.query<{
    status: string
    hold_until: Date | null
    reopens: number
  }>(
    sql`select status, hold_until, (select count(*)::int from ticket_messages m where m.ticket_id = t.id and m.author_kind = 'system') as reopens from tickets t where id = ${ticketId}`,
  )
  return rows[0]
}

describe.each(databaseKinds().map((k) => k.name))('holds on %s', (name) => {
  const drops: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const drop of drops) await drop()
  })

  it('[4] a hold reopens the ticket at its end, not before, and only once', async () => {
    const { target, drop } = await freshDatabase(name)
    drops.push(drop)
    const clock = new TestClock()
    const { app } = await boot(target, clock.now)
    try {
      const until = new Date(clock.now().getTime() + 60 * 60_000)
      const id = await heldTicket(app, until, '+15557770001')
      const forever = await heldTicket(app, null, '+15557770002')
      expect(await app.tickets.checkHolds(new Date(until.getTime() - 1))).toEqual([])
      expect((await statusOf(app, id))?.status).toBe('on_hold')
      clock.current = until
      expect(await app.tickets.checkHolds(until)).toEqual([id])
      expect(await app.tickets.checkHolds(until)).toEqual([])
      expect(await statusOf(app, id)).toEqual({ status: 'open', hold_until: null, reopens: 1 })
      // a hold with no end waits for a person
      expect((await statusOf(app, forever))?.status).toBe('on_hold')
    } finally {
      await app.close()
    }
  })

  it('[4] a hold that ended while the server was down reopens on the next start, once, with two servers', async () => {
    const { target, drop } = await durableDatabase(name)
    drops.push(drop)
    const clock = new TestClock()
    const first = await boot(target, clock.now)
    const until = new Date(clock.now().getTime() + 2 * 60 * 60_000)
    const id = await heldTicket(first.app, until, '+15557770003')
    await first.app.close()

    clock.advance(3 * 60 * 60_000)
    if (name === 'pglite') {
      // PGlite has one process; the restart alone is the point here
      const second = await boot(target, clock.now)
      try {
        expect(await statusOf(second.app, id)).toEqual({
          status: 'open',
          hold_until: null,
          reopens: 1,
        })
      } finally {
        await second.app.close()
      }
      return
    }
    const [a, b] = await Promise.all([boot(target, clock.now), boot(target, clock.now)])
    try {
      await Promise.all([
        a.app.tickets.checkHolds(clock.now()),
        b.app.tickets.checkHolds(clock.now()),
      ])
      expect(await statusOf(a.app, id)).toEqual({ status: 'open', hold_until: null, reopens: 1 })
    } finally {
      await a.app.close()
      await b.app.close()
    }
  })

  it('[4] the server’s own timer reopens a hold at its end', async () => {
    const { target, drop } = await freshDatabase(name)
    drops.push(drop)
    const { app } = await boot(target, () => new Date())
    try {
      const id = await heldTicket(app, () => new Date(Date.now() + 300), '+15557770004')
      expect((await statusOf(app, id))?.status).toBe('on_hold')
      await vi.waitFor(async () => expect((await statusOf(app, id))?.status).toBe('open'), {
        timeout: 5_000,
        interval: 50,
      })
    } finally {
      await app.close()
    }
  })
})

import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tickets, users } from '../src/db/schema.js'
import { DEMO_WAITING_MINUTES } from '../src/demo/seed.js'
import { bootOn } from './automation-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { customerTexts, freshInbox, onTicket, readTicket } from './tickets-support.js'

const MINUTE = 60_000

describe.each(databaseKinds())('the waiting clock on $name', (kind) => {
  let t: TestApp
  let inbox: Awaited<ReturnType<typeof freshInbox>>
  let phone = 5_550_200

  beforeAll(async () => {
    t = await startTestApp(kind)
    inbox = await freshInbox(t, '+15559000')
  })
  afterAll(async () => {
    await t?.close()
  })

  /** A new customer's first text; returns its ticket and the instant it arrived. */
  async function newConversation(body = 'Where is my order?') {
    phone += 1
    const from = `+1${phone}`
    const at = t.clock.now()
    const ticketId = await customerTexts(t, inbox, from, body)
    return { ticketId, from, at }
  }

  async function setLevel(ticketId: string, level: number) {
    await t.database.query(
      sql`update tickets set escalation_level = ${level}, last_escalated_at = now() where id = ${ticketId}`,
    )
  }

  it('[6.2] the first unanswered customer message starts the waiting period', async () => {
    const { ticketId, at } = await newConversation()
    const { ticket, messages } = await readTicket(t, ticketId)
    expect(ticket.status).toBe('open')
    expect(ticket.waitingSince).toBe(at.toISOString())
    expect(ticket.openSince).toBe(at.toISOString())
    expect(ticket.escalationLevel).toBe(0)
    expect(messages).toEqual([
      expect.objectContaining({
        authorKind: 'customer',
        internal: false,
        body: 'Where is my order?',
      }),
    ])
  })

  it('[6.2] a follow-up from the customer does not restart it (Deviation from seed 002)', async () => {
    const { ticketId, from, at } = await newConversation()
    t.clock.advance(5 * MINUTE)
    expect(await customerTexts(t, inbox, from, 'hello??')).toBe(ticketId)
    const { ticket, messages } = await readTicket(t, ticketId)
    expect(messages).toHaveLength(2)
    expect(ticket.waitingSince).toBe(at.toISOString())
  })

  it('[6.2] a staff reply ends it and resets escalationLevel; the next customer message starts a new one', async () => {
    const { ticketId, from } = await newConversation()
    await setLevel(ticketId, 2)
    t.clock.advance(3 * MINUTE)
    const reply = await onTicket(t, ticketId, 'POST', '/replies', { body: 'Looking into it now.' })
    expect(reply.statusCode).toBe(201)
    expect(reply.json().ticket).toMatchObject({ waitingSince: null, escalationLevel: 0 })
    expect(reply.json().message).toMatchObject({ authorKind: 'staff', internal: false })

    t.clock.advance(MINUTE)
    const again = t.clock.now()
    await customerTexts(t, inbox, from, 'Thanks, any news?')
    expect((await readTicket(t, ticketId)).ticket.waitingSince).toBe(again.toISOString())
  })

  it('[6.2] an internal note is not a material response: the customer is still waiting', async () => {
    const { ticketId, at } = await newConversation()
    await setLevel(ticketId, 1)
    t.clock.advance(MINUTE)
    const note = await onTicket(t, ticketId, 'POST', '/notes', { body: 'Asked the warehouse.' })
    expect(note.statusCode).toBe(201)
    expect(note.json().message).toMatchObject({ authorKind: 'staff', internal: true })
    expect(note.json().ticket).toMatchObject({ waitingSince: at.toISOString(), escalationLevel: 1 })
    // the list's preview shows the conversation, never a note
    expect(note.json().ticket.preview).toBe('Where is my order?')
  })

  it('[6.2] a staff reply with no customer waiting changes nothing but the level', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/tickets`,
      headers: { cookie: await t.login('dana@flare.test') },
      payload: {
        inboxId: inbox.id,
        subject: 'Outbound follow-up',
        customer: { email: 'Cara@Example.test' },
        message: { authorKind: 'staff', body: 'Following up on your call.' },
      },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json().ticket).toMatchObject({
      waitingSince: null,
      customer: { email: 'cara@example.test' },
    })
  })

  it('[6.2] putting a ticket on hold stops the clock; the end of the hold does not restart it; the next customer message does', async () => {
    const { ticketId, from } = await newConversation()
    const until = new Date(t.clock.now().getTime() + 30 * MINUTE)
    const held = await onTicket(t, ticketId, 'PATCH', '', {
      status: 'on_hold',
      holdUntil: until.toISOString(),
    })
    expect(held.statusCode).toBe(200)
    expect(held.json().ticket).toMatchObject({
      status: 'on_hold',
      holdUntil: until.toISOString(),
      waitingSince: null,
    })

    t.clock.advance(31 * MINUTE)
    expect(await t.app.tickets.checkHolds(t.clock.now())).toContain(ticketId)
    const reopened = await readTicket(t, ticketId)
    expect(reopened.ticket).toMatchObject({ status: 'open', holdUntil: null, waitingSince: null })
    // the system's remark about it is not a customer message
    expect(reopened.messages.at(-1)).toMatchObject({ authorKind: 'system' })

    t.clock.advance(MINUTE)
    const next = t.clock.now()
    await customerTexts(t, inbox, from, 'Back again')
    expect((await readTicket(t, ticketId)).ticket.waitingSince).toBe(next.toISOString())
  })

  it('[6.2] a customer message to a held ticket ends the hold and starts waiting at once', async () => {
    const { ticketId, from } = await newConversation()
    await onTicket(t, ticketId, 'PATCH', '', { status: 'on_hold' })
    t.clock.advance(MINUTE)
    const at = t.clock.now()
    expect(await customerTexts(t, inbox, from, 'Still there?')).toBe(ticketId)
    expect((await readTicket(t, ticketId)).ticket).toMatchObject({
      status: 'open',
      holdUntil: null,
      waitingSince: at.toISOString(),
    })
  })

  it('[6.2] resolving or closing stops the clock and resets escalationLevel', async () => {
    for (const status of ['resolved', 'closed'] as const) {
      const { ticketId } = await newConversation()
      await setLevel(ticketId, 3)
      const res = await onTicket(t, ticketId, 'PATCH', '', { status })
      expect(res.json().ticket).toMatchObject({ status, waitingSince: null, escalationLevel: 0 })
      // the history of what happened stays
      expect(res.json().ticket.lastEscalatedAt).not.toBeNull()
    }
  })

  it('[6.2] a customer writing after resolution opens a new ticket; reopening by hand starts a new open life, not waiting', async () => {
    const { ticketId, from } = await newConversation()
    await onTicket(t, ticketId, 'PATCH', '', { status: 'resolved' })
    t.clock.advance(MINUTE)
    const second = await customerTexts(t, inbox, from, 'One more thing')
    expect(second).not.toBe(ticketId)

    t.clock.advance(MINUTE)
    const reopenedAt = t.clock.now()
    const res = await onTicket(t, ticketId, 'PATCH', '', { status: 'open' })
    expect(res.json().ticket).toMatchObject({
      status: 'open',
      openSince: reopenedAt.toISOString(),
      waitingSince: null,
    })
  })
})

describe.each(databaseKinds())('the demo seed on $name', (kind) => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('[6.4] the waiting demo ticket falls due a few minutes after the first start: level 1 to the inbox admin, then @supervisors', async () => {
    const { target, drop } = await kind.fresh()
    cleanups.push(drop)
    const seededAt = Date.now()
    const { app, database } = await bootOn(target, { seed: true, scheduler: false })
    cleanups.push(() => app.close())
    const db = database.db
    const [waiting] = await db
      .select()
      .from(tickets)
      .where(eq(tickets.subject, 'Order #4821 still processing'))
    const since = waiting!.waitingSince!.getTime()
    // the customer has waited DEMO_WAITING_MINUTES when the demo is seeded
    expect(since).toBeGreaterThanOrEqual(seededAt - DEMO_WAITING_MINUTES * MINUTE)
    expect(since).toBeLessThanOrEqual(Date.now() - DEMO_WAITING_MINUTES * MINUTE)
    // stored at seed time, as every ticket write stores it: the first rule, 5 minutes in
    expect(waiting!.nextDueAt).toEqual(new Date(since + 5 * MINUTE))

    // nothing fires at start: nobody is flooded with pop-ups on opening the demo
    const atStart = await app.scheduler.runDue(new Date())
    expect(atStart.flatMap((p) => p.firings)).toEqual([])
    const [max] = await db.select().from(users).where(eq(users.email, 'manager@flare.test'))
    const level1 = await app.scheduler.runDue(new Date(since + 5 * MINUTE))
    expect(
      level1.flatMap((p) => p.firings).map((f) => [f.ticket.id, f.level, f.targetUserIds]),
    ).toEqual([[waiting!.id, 1, [max!.id]]])
    const level2 = await app.scheduler.runDue(new Date(since + 15 * MINUTE))
    const supervisors = level2.flatMap((p) => p.firings)
    expect(supervisors.map((f) => [f.ticket.id, f.level, f.rule.name])).toEqual([
      [waiting!.id, 2, 'Waiting 15 minutes: call in @supervisors'],
    ])
  }, 120_000)
})

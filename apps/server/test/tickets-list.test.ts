import type { TicketCounts, TicketDto } from '@flare/protocol'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { tickets } from '../src/db/schema.js'
import { COUNTS_PUSH_MS } from '../src/tickets/counts-push.js'
import { Clients } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, customerTexts, freshInbox, onTicket } from './tickets-support.js'

interface Page {
  tickets: TicketDto[]
  nextCursor: string | null
  counts: TicketCounts
}

describe.each(databaseKinds())('the ticket list’s counts, filters and orders on $name', (kind) => {
  let t: TestApp

  beforeAll(async () => {
    t = await startTestApp(kind)
  })
  afterAll(async () => {
    await t?.close()
  })

  const get = async (path: string, email = 'eli@flare.test') =>
    t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}${path}`,
      headers: { cookie: await cookieOf(t, email) },
    })
  const page = async (query: string): Promise<Page> => {
    const res = await get(`/tickets?${query}`)
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }
  const ids = (p: { tickets: TicketDto[] }) => p.tickets.map((x) => x.id)
  const escalate = (id: string, level: number) =>
    t.database.db
      .update(tickets)
      .set({ escalationLevel: level, lastEscalatedAt: level > 0 ? t.clock.now() : null })
      .where(eq(tickets.id, id))

  it('[4.2.1] counts the whole space’s waiting and escalated tickets, not the filters or the page', async () => {
    const before = (await page('limit=1')).counts
    const inbox = await freshInbox(t, '+15558300')
    const made: string[] = []
    for (let i = 0; i < 3; i += 1) {
      t.clock.advance(1_000)
      made.push(await customerTexts(t, inbox, `+1555330000${i}`, `counted ${i}`))
    }
    const [a, b, c] = made as [string, string, string]
    await escalate(a, 2)
    // answered: no longer waiting, and its escalation ends (§6.2.7)
    await onTicket(t, b, 'POST', '/replies', { body: 'Sorted' })
    // held: not waiting and not counted as escalated, whatever its level says
    await escalate(c, 1)
    await onTicket(t, c, 'PATCH', '', { status: 'on_hold' })

    const filtered = await page(`limit=1&inboxId=${inbox.id}&status=resolved`)
    expect(filtered.tickets).toEqual([])
    expect(filtered.counts).toEqual({
      waiting: before.waiting + 1,
      escalated: before.escalated + 1,
    })
    const all = await page('limit=100&status=open,on_hold,resolved,closed')
    expect(all.counts).toEqual(filtered.counts)

    const alone = await get('/tickets/counts', 'dana@flare.test')
    expect(alone.statusCode).toBe(200)
    expect(alone.json()).toEqual({ counts: filtered.counts })
    // members only, as the list (SPEC §1.4)
    const outsider = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/tickets/counts`,
      headers: { cookie: await cookieOf(t, t.otherSpace.email) },
    })
    expect(outsider.statusCode).toBe(404)
  })

  it('[4.2.1] tells the space its counts after tickets change: once for a burst, counted by the server', async () => {
    const url = await t.listen()
    const clients = new Clients(() => url)
    try {
      const { client } = await clients.join(t.spaceId, await cookieOf(t, 'dana@flare.test'))
      const told: TicketCounts[] = []
      client.on('ticket:counts', ({ counts }: { counts: TicketCounts }) => told.push(counts))
      const before = (await page('limit=1')).counts
      const inbox = await freshInbox(t, '+15558301')
      await customerTexts(t, inbox, '+15553310000', 'counted for everyone')
      await vi.waitFor(() => expect(told).toHaveLength(1), { timeout: 5_000 })
      expect(told[0]).toEqual({ ...before, waiting: before.waiting + 1 })

      // a burst of changes in the space is told once
      for (let i = 0; i < 3; i += 1) {
        await t.app.events.publish('ticket.changed', { spaceId: t.spaceId, ticketIds: [] })
      }
      await vi.waitFor(() => expect(told).toHaveLength(2), { timeout: 5_000 })
      await new Promise((resolve) => setTimeout(resolve, COUNTS_PUSH_MS + 300))
      expect(told).toHaveLength(2)
    } finally {
      clients.closeAll()
    }
  })

  it('[4.2] lists the longest waiting first, then the rest newest first, and pages by keyset', async () => {
    const inbox = await freshInbox(t, '+15558400')
    const made: string[] = []
    for (let i = 0; i < 6; i += 1) {
      t.clock.advance(60_000)
      made.push(await customerTexts(t, inbox, `+1555440000${i}`, `order ${i}`))
    }
    const [t0, t1, t2, t3, t4, t5] = made as [string, string, string, string, string, string]
    // t1, t3 and t5 answered; t1's customer writes again later, so it now waits the shortest
    for (const id of [t1, t3, t5]) await onTicket(t, id, 'POST', '/replies', { body: 'Answered' })
    t.clock.advance(60_000)
    await customerTexts(t, inbox, '+15554400001', 'still there?')
    // two tickets waiting since the same instant: the newer is first among them
    const same = new Date(t.clock.now().getTime() - 30 * 60_000)
    await t.database.db.update(tickets).set({ waitingSince: same }).where(eq(tickets.id, t2))
    await t.database.db.update(tickets).set({ waitingSince: same }).where(eq(tickets.id, t4))

    const expected = [t4, t2, t0, t1, t5, t3]
    const walked: string[] = []
    let cursor: string | null = null
    do {
      const p: Page = await page(
        `inboxId=${inbox.id}&sort=longest_waiting&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      walked.push(...ids(p))
      cursor = p.nextCursor
    } while (cursor)
    expect(walked).toEqual(expected)
    // a page that ends among the ones not waiting, too
    const first = await page(`inboxId=${inbox.id}&sort=longest_waiting&limit=5`)
    expect(ids(first)).toEqual(expected.slice(0, 5))
    const rest = await page(
      `inboxId=${inbox.id}&sort=longest_waiting&limit=5&cursor=${first.nextCursor}`,
    )
    expect(ids(rest)).toEqual([t3])
    expect(rest.nextCursor).toBeNull()

    expect(ids(await page(`inboxId=${inbox.id}&sort=longest_waiting&waiting=true`))).toEqual(
      expected.slice(0, 4),
    )
    // newest first is still the default, and says so by name too
    expect(ids(await page(`inboxId=${inbox.id}`))).toEqual([...made].reverse())
    expect(ids(await page(`inboxId=${inbox.id}&sort=newest`))).toEqual([...made].reverse())

    // a cursor belongs to the order that gave it out
    const newest = await page(`inboxId=${inbox.id}&limit=2`)
    for (const bad of [
      `sort=longest_waiting&cursor=${newest.nextCursor}`,
      `sort=newest&cursor=${first.nextCursor}`,
      'sort=oldest',
      'slaStatus=late',
    ]) {
      const res = await get(`/tickets?inboxId=${inbox.id}&${bad}`)
      expect(res.statusCode, bad).toBe(400)
    }
  })

  it('[4.2] filters by SLA status: at risk or breached', async () => {
    const inbox = await freshInbox(t, '+15558500')
    const made: string[] = []
    for (let i = 0; i < 4; i += 1) {
      t.clock.advance(1_000)
      made.push(await customerTexts(t, inbox, `+1555550000${i}`, `sla ${i}`))
    }
    const [onTrack, atRisk, breached, none] = made as [string, string, string, string]
    for (const [id, slaStatus] of [
      [onTrack, 'on_track'],
      [atRisk, 'at_risk'],
      [breached, 'breached'],
      [none, null],
    ] as const) {
      await t.database.db.update(tickets).set({ slaStatus }).where(eq(tickets.id, id))
    }
    expect(ids(await page(`inboxId=${inbox.id}&slaStatus=at_risk,breached`))).toEqual([
      breached,
      atRisk,
    ])
    expect(ids(await page(`inboxId=${inbox.id}&slaStatus=on_track`))).toEqual([onTrack])
  })
})

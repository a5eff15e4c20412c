import type { TicketDto, TicketMessageEvent } from '@flare/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Clients } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import {
  cookieOf,
  customerTexts,
  demoInbox,
  freshInbox,
  inboxesAs,
  onTicket,
  readTicket,
} from './tickets-support.js'

describe.each(databaseKinds())('inboxes and tickets over REST and Socket.IO on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)
  let inbox: Awaited<ReturnType<typeof freshInbox>>

  beforeAll(async () => {
    t = await startTestApp(kind)
    url = await t.listen()
    inbox = await freshInbox(t, '+15558000')
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t?.close()
  })

  const api = async (
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    email: string,
    payload?: unknown,
  ) =>
    t.app.inject({
      method,
      url: `/api/spaces/${t.spaceId}${path}`,
      headers: { cookie: await cookieOf(t, email) },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    })

  it('[4] lists the demo inbox with its admins and calendar; only admins and managers see the secret', async () => {
    const asAgent = await inboxesAs(t, await cookieOf(t, 'dana@flare.test'))
    const demo = asAgent.find((i) => i.channelAddress === '+15550100')
    expect(demo).toMatchObject({
      name: 'Support SMS',
      adminUserIds: [await t.userId('manager@flare.test')],
      calendar: { mode: 'same', timezone: 'Europe/London' },
    })
    expect(demo).not.toHaveProperty('webhookSecret')
    expect((await demoInbox(t)).webhookSecret).toMatch(/^[0-9a-f]{64}$/)
  })

  it('[1] agents cannot change an inbox’s settings, even as its inbox admin; managers can', async () => {
    const dana = await t.userId('dana@flare.test')
    const setAdmins = await api('PATCH', `/inboxes/${inbox.id}`, 'manager@flare.test', {
      adminUserIds: [dana],
    })
    expect(setAdmins.statusCode).toBe(200)
    expect(setAdmins.json().inbox.adminUserIds).toEqual([dana])
    const refused = await api('PATCH', `/inboxes/${inbox.id}`, 'dana@flare.test', {
      name: 'Mine now',
    })
    expect(refused.statusCode).toBe(403)
    expect((await api('POST', '/inboxes', 'dana@flare.test', { name: 'New' })).statusCode).toBe(403)
    expect(
      (await api('POST', `/inboxes/${inbox.id}/rotate-secret`, 'eli@flare.test')).statusCode,
    ).toBe(403)
    expect((await readInbox()).name).toBe(`Inbox +15558000`)

    const calendar = { mode: 'always', timezone: 'America/New_York' }
    const ok = await api('PATCH', `/inboxes/${inbox.id}`, 'admin@flare.test', { calendar })
    expect(ok.json().inbox.calendar).toEqual(calendar)
  })

  async function readInbox() {
    return (await api('GET', `/inboxes/${inbox.id}`, 'dana@flare.test')).json().inbox
  }

  it('[10] refuses a bad calendar, a stranger as inbox admin and a taken number with the field', async () => {
    const badZone = await api('PATCH', `/inboxes/${inbox.id}`, 'manager@flare.test', {
      calendar: { mode: 'always', timezone: 'Mars/Olympus' },
    })
    expect(badZone.statusCode).toBe(400)
    expect(badZone.json().error.field).toBe('calendar.timezone')
    const badHours = await api('PATCH', `/inboxes/${inbox.id}`, 'manager@flare.test', {
      calendar: {
        mode: 'same',
        timezone: 'UTC',
        workingDays: ['mon'],
        start: '17:00',
        end: '09:00',
      },
    })
    expect(badHours.json().error.field).toBe('calendar.end')
    const outsider = await t.userId(t.otherSpace.email)
    const stranger = await api('PATCH', `/inboxes/${inbox.id}`, 'manager@flare.test', {
      adminUserIds: [outsider],
    })
    expect(stranger.statusCode).toBe(400)
    expect(stranger.json().error.field).toBe('adminUserIds.0')
    const taken = await api('POST', '/inboxes', 'manager@flare.test', {
      name: 'Copy',
      channelAddress: '+1 555 0100',
    })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().error.field).toBe('channelAddress')
  })

  it('[1] other spaces’ tickets and inboxes are 404, to outsiders and to members of other spaces alike', async () => {
    const ticketId = await customerTexts(t, inbox, '+15551110001', 'Private matter')
    const outsider = await t.login(t.otherSpace.email)
    for (const path of [`/tickets/${ticketId}`, `/inboxes/${inbox.id}`, '/tickets', '/inboxes']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}${path}`,
        headers: { cookie: outsider },
      })
      expect(res.statusCode).toBe(404)
    }
    // a ticket id of this space asked for under the outsider's own space
    const crossed = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.otherSpace.spaceId}/tickets/${ticketId}/replies`,
      headers: { cookie: outsider },
      payload: { body: 'hi' },
    })
    expect(crossed.statusCode).toBe(404)
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/spaces/${t.spaceId}/tickets` })
    expect(anonymous.statusCode).toBe(401)
    // a ticket in another space's inbox cannot be opened from here
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.otherSpace.spaceId}/tickets`,
      headers: { cookie: outsider },
      payload: { inboxId: inbox.id, subject: 'x', customer: { name: 'X' } },
    })
    expect(foreign.statusCode).toBe(404)
    expect((await readTicket(t, ticketId)).messages).toHaveLength(1)
  })

  it('[4] agents work tickets: assign, prioritise, categorise; bad values are refused with the field', async () => {
    const ticketId = await customerTexts(t, inbox, '+15551110002', 'Need help')
    const eli = await t.userId('eli@flare.test')
    const ok = await onTicket(t, ticketId, 'PATCH', '', {
      assignedToUserId: eli,
      priority: 'urgent',
      category: 'billing',
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json().ticket).toMatchObject({
      assignedToUserId: eli,
      priority: 'urgent',
      category: 'billing',
    })
    const outsider = await t.userId(t.otherSpace.email)
    for (const [payload, field] of [
      [{ assignedToUserId: outsider }, 'assignedToUserId'],
      [{ priority: 'critical' }, 'priority'],
      [{ holdUntil: '2026-12-01T00:00:00.000Z' }, 'holdUntil'],
      [{ status: 'on_hold', holdUntil: '2020-01-01T00:00:00.000Z' }, 'holdUntil'],
      [{ status: 'on_hold', extra: 1 }, 'extra'],
    ] as const) {
      const res = await onTicket(t, ticketId, 'PATCH', '', payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().error.field).toBe(field)
    }
    const empty = await onTicket(t, ticketId, 'POST', '/replies', { body: '   ' })
    expect(empty.statusCode).toBe(400)
    expect((await readTicket(t, ticketId)).ticket.status).toBe('open')
  })

  it('[4] lists newest first with filters and cursor paging', async () => {
    const list = await freshInbox(t, '+15558100')
    const ids: string[] = []
    for (let i = 0; i < 5; i += 1) {
      t.clock.advance(1_000)
      ids.push(await customerTexts(t, list, `+1555222000${i}`, `message ${i}`))
    }
    const eli = await t.userId('eli@flare.test')
    await onTicket(t, ids[0]!, 'PATCH', '', { priority: 'high', assignedToUserId: eli })
    await onTicket(t, ids[1]!, 'PATCH', '', { status: 'resolved' })
    await onTicket(t, ids[2]!, 'POST', '/replies', { body: 'On it' })

    const get = async (query: string, email = 'eli@flare.test') =>
      (await api('GET', `/tickets?inboxId=${list.id}${query}`, email)).json()

    const pages: string[] = []
    let cursor: string | null = null
    do {
      const page: { tickets: TicketDto[]; nextCursor: string | null } = await get(
        `&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      pages.push(...page.tickets.map((x) => x.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(pages).toEqual([...ids].reverse())

    const ids$ = (r: { tickets: TicketDto[] }) => r.tickets.map((x) => x.id)
    expect(ids$(await get('&priority=high'))).toEqual([ids[0]])
    expect(ids$(await get('&assignee=me'))).toEqual([ids[0]])
    expect(ids$(await get(`&assignee=${eli}`))).toEqual([ids[0]])
    expect(ids$(await get('&assignee=none&status=open'))).toEqual([ids[4], ids[3], ids[2]])
    expect(ids$(await get('&status=resolved,closed'))).toEqual([ids[1]])
    expect(ids$(await get('&waiting=true'))).toEqual([ids[4], ids[3], ids[0]])
    expect(ids$(await get('&escalated=true'))).toEqual([])
    expect(ids$(await get('&escalated=false'))).toHaveLength(5)

    for (const bad of [
      '&status=pending',
      '&limit=0',
      '&limit=101',
      '&cursor=bm9wZQ',
      '&assignee=x',
      '&sort=1',
    ]) {
      const res = await api('GET', `/tickets?inboxId=${list.id}${bad}`, 'eli@flare.test')
      expect(res.statusCode, bad).toBe(400)
    }
  })

  it('[4] members see new tickets and messages live; other spaces do not', async () => {
    const { client: dana } = await clients.join(t.spaceId, await cookieOf(t, 'dana@flare.test'))
    const { client: outsider } = await clients.join(
      t.otherSpace.spaceId,
      await t.login(t.otherSpace.email),
    )
    const leaked: unknown[] = []
    outsider.on('ticket:created', (x) => leaked.push(x))
    outsider.on('ticket:message', (x) => leaked.push(x))

    const created = new Promise<TicketDto>((resolve) => dana.once('ticket:created', resolve))
    const message = new Promise<TicketMessageEvent>((resolve) =>
      dana.once('ticket:message', resolve),
    )
    const ticketId = await customerTexts(t, inbox, '+15551110003', 'Live one')
    expect((await created).id).toBe(ticketId)
    expect(await message).toMatchObject({
      ticket: { id: ticketId, waitingSince: expect.any(String) },
      message: { authorKind: 'customer', body: 'Live one' },
    })

    const replied = new Promise<TicketMessageEvent>((resolve) =>
      dana.once('ticket:message', resolve),
    )
    await onTicket(t, ticketId, 'POST', '/replies', { body: 'Hello!' }, 'eli@flare.test')
    expect(await replied).toMatchObject({
      ticket: { waitingSince: null },
      message: { body: 'Hello!' },
    })

    const updated = new Promise<TicketDto>((resolve) => dana.once('ticket:updated', resolve))
    await onTicket(t, ticketId, 'PATCH', '', { priority: 'low' })
    expect(await updated).toMatchObject({ id: ticketId, priority: 'low' })
    expect(leaked).toEqual([])
  })
})

import type { AuditResponse, PerspectiveItem, PerspectiveResponse } from '@flare/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRule, customerWrites, fireAt, isolatedInbox } from './automation-support.js'
import { type Client, Clients } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, onTicket } from './tickets-support.js'

/** The next `perspective:updated` for a ticket. */
function nextRow(client: Client, ticketId: string): Promise<PerspectiveItem> {
  return new Promise((resolve) => {
    const listener = (item: PerspectiveItem) => {
      if (item.ticket.id !== ticketId) return
      client.off('perspective:updated', listener)
      resolve(item)
    }
    client.on('perspective:updated', listener)
  })
}

describe.each(databaseKinds())('the perspective and the audit log on $name', (kind) => {
  let t: TestApp
  let url = ''
  const clients = new Clients(() => url)

  beforeAll(async () => {
    t = await startTestApp(kind)
    url = await t.listen()
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t?.close()
  })

  async function get<T>(path: string, email = 'manager@flare.test'): Promise<T> {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}${path}`,
      headers: { cookie: await cookieOf(t, email) },
    })
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  it('[8.3.1] lists each escalated ticket once, newest firing first, filtered and paged; live to supervisors only', async () => {
    const inbox = await isolatedInbox(t)
    const dana = await t.userId('dana@flare.test')
    const eli = await t.userId('eli@flare.test')
    const first = await createRule(t, {
      name: 'Waiting 30',
      inboxId: inbox.id,
      escalateAfterMinutes: 30,
      escalateTo: 'specific_user',
      escalateToUserId: dana,
    })
    const second = await createRule(t, {
      name: 'Waiting 60',
      inboxId: inbox.id,
      escalateAfterMinutes: 60,
      escalateTo: 'specific_user',
      escalateToUserId: eli,
    })
    const start = t.clock.now()
    const a = await customerWrites(t, inbox)
    // b a minute later: its firings are a minute after a's, so newest first is one order
    t.clock.advance(60_000)
    const b = await customerWrites(t, inbox)
    const quiet = await customerWrites(t, inbox)
    // the quiet one is answered before anything fires: it never shows
    expect((await onTicket(t, quiet, 'POST', '/replies', { body: 'On it.' })).statusCode).toBe(201)

    const { client: manager } = await clients.join(
      t.spaceId,
      await cookieOf(t, 'manager@flare.test'),
    )
    const { client: agent } = await clients.join(t.spaceId, await cookieOf(t, 'dana@flare.test'))
    const agentHeard: PerspectiveItem[] = []
    agent.on('perspective:updated', (item) => agentHeard.push(item))

    const liveA = nextRow(manager, a)
    await fireAt(t, start, 30)
    expect(await liveA).toMatchObject({ ruleId: first.id, level: 1, notifiedUserIds: [dana] })
    await fireAt(t, start, 31)
    // b is answered after its firing: its level goes back to 0; a climbs to level 2 at 60
    expect((await onTicket(t, b, 'POST', '/replies', { body: 'Hello!' })).statusCode).toBe(201)
    const climbed = nextRow(manager, a)
    await fireAt(t, start, 60)
    expect(await climbed).toMatchObject({ ruleId: second.id, ruleName: 'Waiting 60', level: 2 })

    const all = await get<PerspectiveResponse>(`/perspective?inboxId=${inbox.id}`)
    expect(
      all.items.map((i) => [i.ticket.id, i.ruleId, i.level, i.ticket.escalationLevel]),
    ).toEqual([
      [a, second.id, 2, 2],
      [b, first.id, 1, 0],
    ])
    expect(all.items[0]).toMatchObject({ notifiedUserIds: [eli], acknowledgedBy: null })
    expect(all.items[1]?.reason).toMatch(/^Customer waiting 30 minutes/)

    // a level or rule filter shows each ticket with its latest firing of that level or rule
    const levelOne = await get<PerspectiveResponse>(`/perspective?inboxId=${inbox.id}&level=1`)
    expect(levelOne.items.map((i) => [i.ticket.id, i.ruleId])).toEqual([
      [b, first.id],
      [a, first.id],
    ])
    const bySecond = await get<PerspectiveResponse>(`/perspective?ruleId=${second.id}`)
    expect(bySecond.items.map((i) => i.ticket.id)).toEqual([a])

    expect((await onTicket(t, b, 'PATCH', '', { assignedToUserId: dana })).statusCode).toBe(200)
    const mine = await get<PerspectiveResponse>(`/perspective?inboxId=${inbox.id}&assignee=${dana}`)
    expect(mine.items.map((i) => i.ticket.id)).toEqual([b])
    const unassigned = await get<PerspectiveResponse>(
      `/perspective?inboxId=${inbox.id}&assignee=none`,
    )
    expect(unassigned.items.map((i) => i.ticket.id)).toEqual([a])

    // paging with the shared cursor: one row a page, nothing lost or repeated
    const page1 = await get<PerspectiveResponse>(`/perspective?inboxId=${inbox.id}&limit=1`)
    expect(page1.items.map((i) => i.ticket.id)).toEqual([a])
    const page2 = await get<PerspectiveResponse>(
      `/perspective?inboxId=${inbox.id}&limit=1&cursor=${page1.nextCursor}`,
    )
    expect(page2.items.map((i) => i.ticket.id)).toEqual([b])
    expect(page2.nextCursor).toBeNull()

    // who acknowledged, and when: live to the manager, in the list afterwards
    const acked = nextRow(manager, a)
    const firingId = all.items[0]?.firingId ?? ''
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/firings/${firingId}/acknowledge`,
      headers: { cookie: await cookieOf(t, 'eli@flare.test') },
    })
    expect(ack.statusCode, ack.body).toBe(200)
    expect(await acked).toMatchObject({ firingId, acknowledgedBy: eli })
    const after = await get<PerspectiveResponse>(`/perspective?ticketId=${a}`)
    expect(after.items[0]?.acknowledgedAt).toBe(t.clock.now().toISOString())

    // the agent, connected all along, heard none of it
    expect(agentHeard).toEqual([])
  })

  it('[8.3.2] agents are refused; bad filters and cursors are 400 naming the field', async () => {
    const agent = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/perspective`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(agent.statusCode).toBe(403)
    for (const [query, field] of [
      ['level=0', 'level'],
      ['ruleId=nope', 'ruleId'],
      ['assignee=me', 'assignee'],
      ['cursor=bm9wZQ', 'cursor'],
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}/perspective?${query}`,
        headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      })
      expect(res.statusCode, query).toBe(400)
      expect(res.json().error.field, query).toBe(field)
    }
  })

  it('[8.4.1] rule, calendar and setting changes are read back with who, when and the changes', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const send = (method: 'POST' | 'PUT' | 'PATCH', path: string, payload: unknown) =>
      t.app.inject({ method, url: path, headers: { cookie: manager }, payload: payload as object })
    const inbox = await isolatedInbox(t)
    // a second apart each: the log is newest first by instant
    t.clock.advance(1000)
    const rule = await createRule(t, { name: 'Before', inboxId: inbox.id })
    t.clock.advance(1000)
    expect(
      (await send('PUT', `/api/tickets/escalation-rules/${rule.id}`, { name: 'After' })).statusCode,
    ).toBe(200)
    t.clock.advance(1000)
    const calendar = {
      mode: 'same',
      timezone: 'Europe/London',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '08:00',
      end: '16:00',
      holidays: [],
    }
    const patched = await send('PATCH', `/api/spaces/${t.spaceId}/inboxes/${inbox.id}`, {
      calendar,
    })
    expect(patched.statusCode, patched.body).toBe(200)
    t.clock.advance(1000)
    const rotated = await send(
      'POST',
      `/api/spaces/${t.spaceId}/inboxes/${inbox.id}/rotate-secret`,
      {},
    )
    expect(rotated.statusCode).toBe(200)
    const secret: string = rotated.json().inbox.webhookSecret

    const audit = await get<AuditResponse>('/audit?kind=escalation_rule,inbox&limit=4')
    const [rotation, inboxChange, ruleChange, ruleCreated] = audit.entries
    expect(rotation).toMatchObject({ kind: 'inbox', action: 'update', entityId: inbox.id })
    expect(rotation?.changes).toEqual([
      { path: 'webhookSecret', before: 'the previous secret', after: 'a new secret' },
    ])
    expect(inboxChange).toMatchObject({
      kind: 'inbox',
      action: 'update',
      label: inbox.name,
      actor: { displayName: 'Max Manager' },
    })
    expect(inboxChange?.changes).toContainEqual({
      path: 'calendar.start',
      before: null,
      after: '08:00',
    })
    expect(ruleChange).toMatchObject({ kind: 'escalation_rule', action: 'update', label: 'After' })
    expect(ruleChange?.changes.find((c) => c.path === 'name')).toEqual({
      path: 'name',
      before: 'Before',
      after: 'After',
    })
    expect(ruleCreated).toMatchObject({ action: 'create', before: null, label: 'Before' })
    expect(ruleCreated?.changes).toContainEqual({
      path: 'escalateAfterMinutes',
      before: null,
      after: 30,
    })
    // newest first; the secret itself is never kept
    expect(audit.entries.map((e) => e.at)).toEqual(
      [...audit.entries.map((e) => e.at)].sort().reverse(),
    )
    expect(JSON.stringify(audit)).not.toContain(secret)

    const next = await get<AuditResponse>(
      `/audit?kind=escalation_rule,inbox&limit=4&cursor=${audit.nextCursor}`,
    )
    expect(next.entries.map((e) => e.id)).not.toContain(rotation?.id)
    const onlyHours = await get<AuditResponse>('/audit?kind=business_hours')
    expect(onlyHours.entries.every((e) => e.kind === 'business_hours')).toBe(true)

    const agent = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/audit`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(agent.statusCode).toBe(403)
    const badKind = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/audit?kind=passwords`,
      headers: { cookie: manager },
    })
    expect(badKind.json().error.field).toBe('kind')
  })
})

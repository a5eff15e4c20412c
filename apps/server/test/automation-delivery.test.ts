import type { TicketAcknowledgedEvent, TicketEscalatedEvent } from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { groups, memberships, rotations, users } from '../src/db/schema.js'
import {
  createRule,
  customerWrites,
  fireAt,
  firingsOf,
  isolatedInbox,
  outboxOf,
  ticketRow,
} from './automation-support.js'
import { type Client, Clients, emitAck } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, onTicket } from './tickets-support.js'

function next<T>(c: Client, event: string): Promise<T> {
  return new Promise((resolve) => {
    ;(c.once as (e: string, l: (v: T) => void) => void).call(c, event, resolve)
  })
}

function record<T>(c: Client, event: string): T[] {
  const seen: T[] = []
  ;(c.on as (e: string, l: (v: T) => void) => void).call(c, event, (v: T) => seen.push(v))
  return seen
}

describe.each(databaseKinds())('escalation targets and in-app delivery on $name', (kind) => {
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

  async function ticketWith(rule: Record<string, unknown>, assignee?: string) {
    const inbox = await isolatedInbox(t)
    await t.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${t.spaceId}/inboxes/${inbox.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { adminUserIds: [await t.userId('fatima@flare.test')] },
    })
    const stored = await createRule(t, { inboxId: inbox.id, escalateAfterMinutes: 10, ...rule })
    const start = t.clock.now()
    const ticketId = await customerWrites(t, inbox)
    if (assignee) {
      const res = await onTicket(t, ticketId, 'PATCH', '', {
        assignedToUserId: await t.userId(assignee),
      })
      expect(res.statusCode).toBe(200)
    }
    return { inbox, rule: stored, start, ticketId }
  }

  async function targetsOf(ticketId: string): Promise<string[]> {
    const [firing] = await firingsOf(t, ticketId)
    return [...(firing?.targetUserIds ?? [])].sort()
  }

  async function ids(...emails: string[]): Promise<string[]> {
    return (await Promise.all(emails.map((e) => t.userId(e)))).sort()
  }

  it('[6.1] assigned: the assignee; unassigned: the inbox admins', async () => {
    const a = await ticketWith({ escalateTo: 'assigned' }, 'dana@flare.test')
    await fireAt(t, a.start, 10)
    expect(await targetsOf(a.ticketId)).toEqual(await ids('dana@flare.test'))
    const b = await ticketWith({ escalateTo: 'assigned' })
    await fireAt(t, b.start, 10)
    expect(await targetsOf(b.ticketId)).toEqual(await ids('fatima@flare.test'))
    const entry = (await ticketRow(t, b.ticketId)).escalationHistory[0]!
    expect(entry.escalatedTo).toBe(await t.userId('fatima@flare.test'))
    // the entry names its firing, chain and targets: a ticket view offers "I'm on it" from it
    const [firing] = await firingsOf(t, b.ticketId)
    expect(entry).toMatchObject({
      firingId: firing!.id,
      chain: firing!.chain,
      targetUserIds: await ids('fatima@flare.test'),
    })
    const read = await t.app.inject({
      url: `/api/spaces/${t.spaceId}/tickets/${b.ticketId}`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(read.statusCode).toBe(200)
    expect(read.json().ticket.escalationHistory[0]).toMatchObject({
      firingId: firing!.id,
      targetUserIds: await ids('fatima@flare.test'),
    })
  })

  it("[6.1] manager: the assignee's manager; unassigned: the inbox admins", async () => {
    const a = await ticketWith({ escalateTo: 'manager' }, 'dana@flare.test')
    await fireAt(t, a.start, 10)
    expect(await targetsOf(a.ticketId)).toEqual(await ids('manager@flare.test'))
    const entry = (await ticketRow(t, a.ticketId)).escalationHistory[0]!
    expect(entry.escalatedFrom).toBe(await t.userId('dana@flare.test'))
    const b = await ticketWith({ escalateTo: 'manager' })
    await fireAt(t, b.start, 10)
    expect(await targetsOf(b.ticketId)).toEqual(await ids('fatima@flare.test'))
  })

  it('[6.1] team, specific user, email and phone', async () => {
    const [supervisors] = await t.database.db
      .select()
      .from(groups)
      .where(eq(groups.handle, 'supervisors'))
    const team = await ticketWith({
      escalateTo: 'team',
      escalateToTeamId: supervisors!.id,
      notificationChannels: ['in_app', 'email', 'slack'],
    })
    await fireAt(t, team.start, 10)
    expect(await targetsOf(team.ticketId)).toEqual(
      await ids('admin@flare.test', 'manager@flare.test'),
    )
    const rows = await outboxOf(t, [team.ticketId])
    expect(rows).toHaveLength(5)
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(5)
    // nobody is connected: the pop-ups wait for a client to show them (SPEC §7.2.1)
    expect(rows.every((r) => r.state === 'pending')).toBe(true)
    expect(rows.filter((r) => r.channel === 'slack').map((r) => r.target)).toEqual(['space'])

    const user = await ticketWith({
      escalateTo: 'specific_user',
      escalateToUserId: await t.userId('gus@flare.test'),
    })
    await fireAt(t, user.start, 10)
    expect(await targetsOf(user.ticketId)).toEqual(await ids('gus@flare.test'))

    const email = await ticketWith({
      escalateTo: 'email',
      recipientEmail: 'oncall@example.com',
      notificationChannels: ['email'],
    })
    const phone = await ticketWith({
      escalateTo: 'phone',
      recipientPhone: '+14155550100',
      notificationChannels: ['sms'],
    })
    await fireAt(t, phone.start, 10)
    expect((await outboxOf(t, [email.ticketId])).map((r) => [r.target, r.channel])).toEqual([
      ['email:oncall@example.com', 'email'],
    ])
    expect((await outboxOf(t, [phone.ticketId])).map((r) => [r.target, r.channel])).toEqual([
      ['phone:+14155550100', 'sms'],
    ])
  })

  it('[6.1] rotation: each firing goes to the next member, round-robin', async () => {
    const members = [
      await t.userId('dana@flare.test'),
      await t.userId('eli@flare.test'),
      await t.userId('gus@flare.test'),
    ]
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/rotations`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { name: 'Nights', memberIds: members },
    })
    const rotationId = created.json().rotation.id
    const inbox = await isolatedInbox(t)
    await createRule(t, {
      inboxId: inbox.id,
      escalateAfterMinutes: 10,
      escalateTo: 'rotation',
      escalateToRotationId: rotationId,
    })
    const start = t.clock.now()
    const tickets = []
    for (let i = 0; i < 4; i++) tickets.push(await customerWrites(t, inbox))
    await fireAt(t, start, 10)
    const picked = []
    for (const ticketId of tickets) picked.push(...(await targetsOf(ticketId)))
    // four firings over three members from the start of the rotation: the first member twice
    expect(picked.filter((id) => id === members[0])).toHaveLength(2)
    expect(picked.filter((id) => id === members[1])).toHaveLength(1)
    expect(picked.filter((id) => id === members[2])).toHaveLength(1)
    const [stored] = await t.database.db
      .select()
      .from(rotations)
      .where(eq(rotations.id, rotationId))
    expect(stored!.nextIndex).toBe(1)
  })

  it('[1.5.6] a firing goes to current members only: a stored assignee, named user, rotation turn or inbox admin who is no longer one is passed over', async () => {
    // a member whose removal left something behind (a crash before the tickets were freed,
    // or a row written around the API): the firing must not reach them
    const [leaver] = await t.database.db
      .insert(users)
      .values({ email: 'leaver@flare.test', displayName: 'Lee Vermont', passwordHash: 'x' })
      .returning({ id: users.id })
    const leaverId = leaver!.id
    await t.database.db
      .insert(memberships)
      .values({ spaceId: t.spaceId, userId: leaverId, role: 'agent' })
    const rotation = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/rotations`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { name: 'Leaver only', memberIds: [leaverId] },
    })
    expect(rotation.statusCode).toBe(201)
    const assigned = await ticketWith({ escalateTo: 'assigned' }, 'leaver@flare.test')
    const named = await ticketWith({ escalateTo: 'specific_user', escalateToUserId: leaverId })
    const turn = await ticketWith({
      escalateTo: 'rotation',
      escalateToRotationId: rotation.json().rotation.id,
    })
    const managed = await ticketWith({ escalateTo: 'manager' }, 'leaver@flare.test')
    // the leaver is an inbox admin of one of them too
    await t.app.inject({
      method: 'PATCH',
      url: `/api/spaces/${t.spaceId}/inboxes/${turn.inbox.id}`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { adminUserIds: [await t.userId('fatima@flare.test'), leaverId] },
    })
    await t.database.db
      .delete(memberships)
      .where(and(eq(memberships.spaceId, t.spaceId), eq(memberships.userId, leaverId)))

    const start = assigned.start
    await fireAt(t, start, 10)
    const fatima = await ids('fatima@flare.test')
    for (const { ticketId } of [assigned, named, turn, managed]) {
      expect(await targetsOf(ticketId)).toEqual(fatima)
    }
    const rows = await outboxOf(
      t,
      [assigned, named, turn, managed].map((x) => x.ticketId),
    )
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.filter((r) => r.target === `user:${leaverId}`)).toEqual([])
  })

  it('[7] ticket:escalated reaches an online target, not others; acknowledging tells every target', async () => {
    const [supervisors] = await t.database.db
      .select()
      .from(groups)
      .where(eq(groups.handle, 'supervisors'))
    const { client: max } = await clients.join(t.spaceId, await cookieOf(t, 'manager@flare.test'))
    const { client: ada } = await clients.join(t.spaceId, await cookieOf(t, 'admin@flare.test'))
    const { client: dana } = await clients.join(t.spaceId, await cookieOf(t, 'dana@flare.test'))
    const danaSaw = record<TicketEscalatedEvent>(dana, 'ticket:escalated')
    const { rule, start, ticketId } = await ticketWith({
      escalateTo: 'team',
      escalateToTeamId: supervisors!.id,
    })
    const maxGot = next<TicketEscalatedEvent>(max, 'ticket:escalated')
    const adaGot = next<TicketEscalatedEvent>(ada, 'ticket:escalated')
    await fireAt(t, start, 10)
    const event = await maxGot
    expect(event).toMatchObject({
      ruleId: rule.id,
      ruleName: rule.name,
      level: 1,
      ticket: { id: ticketId, priority: 'medium' },
    })
    expect(event.reason).toContain('10 minutes')
    expect([...event.targetUserIds].sort()).toEqual(
      await ids('admin@flare.test', 'manager@flare.test'),
    )
    expect((await adaGot).firingId).toBe(event.firingId)

    // someone the firing did not go to may not take it
    const refused = await emitAck(dana, 'ticket:acknowledge', { firingId: event.firingId })
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })

    const adaHears = next<TicketAcknowledgedEvent>(ada, 'ticket:acknowledged')
    const taken = await emitAck<{ acknowledged: TicketAcknowledgedEvent }>(
      max,
      'ticket:acknowledge',
      { firingId: event.firingId },
    )
    expect(taken).toMatchObject({
      ok: true,
      acknowledged: {
        firingId: event.firingId,
        ticketId,
        userId: await t.userId('manager@flare.test'),
      },
    })
    expect((await adaHears).userId).toBe(await t.userId('manager@flare.test'))
    // a later taker learns who was first
    const late = await emitAck<{ acknowledged: TicketAcknowledgedEvent }>(
      ada,
      'ticket:acknowledge',
      { firingId: event.firingId },
    )
    expect(late).toMatchObject({
      ok: true,
      acknowledged: { userId: await t.userId('manager@flare.test') },
    })
    const bad = await emitAck(max, 'ticket:acknowledge', { firingId: 'nope' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(danaSaw).toEqual([])
  })
})

import type {
  EscalationRule,
  SlaPolicy,
  SpaceSnapshot,
  TicketDto,
  TicketSlaWarningEvent,
} from '@flare/protocol'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, groups, notificationOutbox, slaWarnings } from '../src/db/schema.js'
import { NOT_RECEIVED } from '../src/notifications/in-app-receipts.js'
import {
  customerWrites,
  fireAt,
  firedRuleIds,
  isolatedInbox,
  MINUTE,
  outboxOf,
  ticketRow,
} from './automation-support.js'
import { type Client, Clients, emitAck } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, onTicket, readTicket } from './tickets-support.js'

const POLICIES = (spaceId: string) => `/api/spaces/${spaceId}/sla-policies`

/** Seed 004's "SLA-Aligned Escalation" body, exactly as printed there (comment aside). */
const SEED_SLA_RULE = {
  name: 'Urgent - First Response SLA Escalation',
  priority: 'urgent',
  escalateAfterMinutes: 12, // 80% of 15 min SLA
  conditions: [
    { field: 'slaStatus', operator: 'equals', value: 'at_risk' },
    { field: 'firstResponseTime', operator: 'equals', value: null },
  ],
  escalateTo: 'team',
  escalateToTeamId: 1,
}

describe.each(databaseKinds())('SLA policies, status and warnings on $name', (kind) => {
  let t: TestApp
  let url: string
  const clients = new Clients(() => url)
  let seedRule: EscalationRule
  beforeAll(async () => {
    t = await startTestApp(kind)
    url = await t.listen()
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t?.close()
  })

  async function putPolicies(body: unknown, email = 'manager@flare.test') {
    const res = await t.app.inject({
      method: 'PUT',
      url: POLICIES(t.spaceId),
      headers: { cookie: await cookieOf(t, email) },
      payload: body as Record<string, unknown>,
    })
    // the recompute of open tickets runs in the background; tests wait for it
    await t.app.dueRecompute.runPending()
    return res
  }

  /**
   * A fresh inbox with a 15-minute first-response policy for urgent tickets, and an urgent
   * ticket a customer opened just now (10:00 on a Monday: within the space's business hours).
   */
  async function urgentTicket(options: { assignee?: string; admins?: string[] } = {}) {
    const inbox = await isolatedInbox(t)
    if (options.admins) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/spaces/${t.spaceId}/inboxes/${inbox.id}`,
        headers: { cookie: await cookieOf(t, 'manager@flare.test') },
        payload: { adminUserIds: options.admins },
      })
      expect(res.statusCode).toBe(200)
    }
    const put = await putPolicies({
      policies: [{ priority: 'urgent', inboxId: inbox.id, firstResponseMinutes: 15 }],
    })
    expect(put.statusCode).toBe(200)
    const start = t.clock.now()
    const ticketId = await customerWrites(t, inbox, 'The payment page is down!')
    const patch = await onTicket(t, ticketId, 'PATCH', '', {
      priority: 'urgent',
      ...(options.assignee ? { assignedToUserId: options.assignee } : {}),
    })
    expect(patch.statusCode).toBe(200)
    return { inbox, start, ticketId, dto: patch.json().ticket as TicketDto }
  }

  function warningsOf(ticketId: string) {
    return t.database.db.select().from(slaWarnings).where(eq(slaWarnings.ticketId, ticketId))
  }

  function record<E extends 'ticket:sla-warning' | 'ticket:updated'>(client: Client, event: E) {
    const seen: Array<E extends 'ticket:sla-warning' ? TicketSlaWarningEvent : TicketDto> = []
    client.on(event as 'ticket:updated', (payload: TicketDto) => {
      seen.push(payload as never)
    })
    return seen
  }

  it("[8.1.4] seed 004's SLA-aligned request, posted verbatim with a Bearer token, is stored", async () => {
    const tokenRes = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { name: 'seed 004 SLA script' },
    })
    const token = tokenRes.json().secret as string
    const response = await fetch(`${url}/api/tickets/escalation-rules`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(SEED_SLA_RULE),
    })
    expect(response.status).toBe(201)
    seedRule = ((await response.json()) as { rule: EscalationRule }).rule
    const [team1] = await t.database.db
      .select()
      .from(groups)
      .where(and(eq(groups.spaceId, t.spaceId), eq(groups.number, 1)))
    expect(seedRule).toMatchObject({
      name: 'Urgent - First Response SLA Escalation',
      enabled: true,
      priority: 'urgent',
      escalateAfterMinutes: 12,
      conditions: SEED_SLA_RULE.conditions,
      escalateTo: 'team',
      // the team numbered 1 in the space, stored by its id
      escalateToTeamId: team1!.id,
      notificationChannels: ['in_app'],
    })
    // and it reads back the same
    const again = await fetch(`${url}/api/tickets/escalation-rules/${seedRule.id}`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(((await again.json()) as { rule: EscalationRule }).rule).toEqual(seedRule)
  })

  it('[8.1.4] a team number no team has is refused naming the field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tickets/escalation-rules',
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { ...SEED_SLA_RULE, escalateToTeamId: 99 },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'VALIDATION', field: 'escalateToTeamId' })
  })

  it('[8.1.1] PUT replaces the set with defaults applied, members read it, the change is audited', async () => {
    const inbox = await isolatedInbox(t)
    const before = await t.app.inject({
      method: 'GET',
      url: POLICIES(t.spaceId),
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(before.statusCode).toBe(200)
    const previous = before.json().policies as SlaPolicy[]
    const res = await putPolicies({
      policies: [
        { priority: 'high', inboxId: inbox.id, firstResponseMinutes: 30, businessHours: false },
        { priority: 'urgent', firstResponseMinutes: 15, resolutionMinutes: 240 },
      ],
    })
    expect(res.statusCode).toBe(200)
    const managerId = await t.userId('manager@flare.test')
    const { policies } = res.json() as { policies: SlaPolicy[] }
    // space-wide first, then per inbox
    expect(policies).toMatchObject([
      {
        inboxId: null,
        priority: 'urgent',
        firstResponseMinutes: 15,
        resolutionMinutes: 240,
        businessHours: true,
        atRiskPercent: 80,
        spaceId: t.spaceId,
        updatedBy: managerId,
      },
      {
        inboxId: inbox.id,
        priority: 'high',
        firstResponseMinutes: 30,
        resolutionMinutes: null,
        businessHours: false,
        atRiskPercent: 80,
      },
    ])
    const read = await t.app.inject({
      method: 'GET',
      url: POLICIES(t.spaceId),
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(read.json().policies).toEqual(policies)
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.spaceId, t.spaceId), eq(auditLog.entity, 'sla_policies')))
    const last = audits.sort((a, b) => a.at.getTime() - b.at.getTime()).at(-1)!
    expect(last).toMatchObject({ action: 'update', actorUserId: managerId })
    expect(last.before).toEqual(
      previous.map(({ id: _i, spaceId: _s, updatedAt: _u, updatedBy: _b, ...fields }) => fields),
    )
    expect(last.after).toEqual([
      {
        inboxId: null,
        priority: 'urgent',
        firstResponseMinutes: 15,
        resolutionMinutes: 240,
        businessHours: true,
        atRiskPercent: 80,
      },
      {
        inboxId: inbox.id,
        priority: 'high',
        firstResponseMinutes: 30,
        resolutionMinutes: null,
        businessHours: false,
        atRiskPercent: 80,
      },
    ])
    // an empty set is a set too: no policy, no SLA
    const cleared = await putPolicies({ policies: [] })
    expect(cleared.json()).toEqual({ policies: [] })
  })

  it.each([
    [{ policies: [{ priority: 'urgent' }] }, 'policies.0.firstResponseMinutes'],
    [
      { policies: [{ priority: 'urgent', firstResponseMinutes: 0 }] },
      'policies.0.firstResponseMinutes',
    ],
    [{ policies: [{ priority: 'critical', firstResponseMinutes: 5 }] }, 'policies.0.priority'],
    [
      { policies: [{ priority: 'low', firstResponseMinutes: 5, atRiskPercent: 100 }] },
      'policies.0.atRiskPercent',
    ],
    [
      {
        policies: [
          { priority: 'low', firstResponseMinutes: 5 },
          { priority: 'low', resolutionMinutes: 60 },
        ],
      },
      'policies.1.priority',
    ],
    [
      { policies: [{ priority: 'low', firstResponseMinutes: 5, inboxId: 'x' }] },
      'policies.0.inboxId',
    ],
    [
      {
        policies: [
          {
            priority: 'low',
            firstResponseMinutes: 5,
            inboxId: '0b8d7f0e-4c1a-4e51-9a3e-5a0d2f6c7b11',
          },
        ],
      },
      'policies.0.inboxId',
    ],
    [{ policies: [{ priority: 'low', firstResponseMinutes: 5, target: 3 }] }, 'policies.0.target'],
    [{}, 'policies'],
  ])('[8.1.1] refuses %j with 400 naming %s', async (body, field) => {
    const res = await putPolicies(body)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('VALIDATION')
    expect(res.json().error.field).toBe(field)
  })

  it("[8.1.1] an agent may read the policies but not change them; another space's inbox is unknown", async () => {
    const res = await putPolicies(
      { policies: [{ priority: 'low', firstResponseMinutes: 5 }] },
      'dana@flare.test',
    )
    expect(res.statusCode).toBe(403)
    const foreign = await t.app.inject({
      method: 'GET',
      url: POLICIES(t.otherSpace.spaceId),
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(foreign.statusCode).toBe(404)
  })

  it('[8.1.4] a 15-minute first-response target is at risk at 12 minutes and fires the seed rule then', async () => {
    const danaId = await t.userId('dana@flare.test')
    const { start, ticketId, dto } = await urgentTicket({ assignee: danaId })
    expect(dto).toMatchObject({
      slaStatus: 'on_track',
      firstResponseAt: null,
      firstResponseTime: null,
      slaDueAt: new Date(start.getTime() + 15 * MINUTE).toISOString(),
    })
    // the scheduler sleeps until the at-risk instant, to the millisecond
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 12 * MINUTE),
    )
    const dana = (await clients.join(t.spaceId, await cookieOf(t, 'dana@flare.test'))).client
    const eli = (await clients.join(t.spaceId, await cookieOf(t, 'eli@flare.test'))).client
    const danaWarnings = record(dana, 'ticket:sla-warning')
    const eliWarnings = record(eli, 'ticket:sla-warning')
    const updates = record(eli, 'ticket:updated')

    await fireAt(t, start, 11.99)
    expect(await firedRuleIds(t, ticketId)).toEqual([])
    expect((await readTicket(t, ticketId)).ticket.slaStatus).toBe('on_track')

    await fireAt(t, start, 12)
    expect(await firedRuleIds(t, ticketId)).toEqual([seedRule.id])
    const { ticket } = await readTicket(t, ticketId)
    expect(ticket.slaStatus).toBe('at_risk')
    expect(ticket.escalationHistory[0]).toMatchObject({
      ruleId: seedRule.id,
      escalatedAt: new Date(start.getTime() + 12 * MINUTE).toISOString(),
    })
    // the amber warning reaches the assignee, and only her
    await expect.poll(() => danaWarnings.length).toBe(1)
    expect(danaWarnings[0]).toMatchObject({
      ticket: { id: ticketId, priority: 'urgent' },
      metric: 'first_response',
      status: 'at_risk',
      at: new Date(start.getTime() + 12 * MINUTE).toISOString(),
      dueAt: new Date(start.getTime() + 15 * MINUTE).toISOString(),
      targetUserIds: [danaId],
    })
    // the space hears the new status
    await expect
      .poll(() => updates.some((u) => u.id === ticketId && u.slaStatus === 'at_risk'))
      .toBe(true)
    expect(eliWarnings).toEqual([])
    // the next look is the breach
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(
      new Date(start.getTime() + 15 * MINUTE),
    )
    await fireAt(t, start, 15)
    expect((await readTicket(t, ticketId)).ticket.slaStatus).toBe('breached')
    // staff only: in-app rows for the warning, nothing to the customer's phone; the row is
    // delivered when her tab says it showed the card, as a pop-up is
    const warningRows = async () =>
      (await outboxOf(t, [ticketId]))
        .filter((r) => r.event === 'ticket.sla_warning')
        .map((r) => [r.target, r.channel, r.state])
    expect(await warningRows()).toEqual([[`user:${danaId}`, 'in_app', 'pending']])
    expect(
      await emitAck(dana, 'ticket:receipt', { warningId: danaWarnings[0]!.warningId }),
    ).toMatchObject({ ok: true, warningId: danaWarnings[0]!.warningId, first: true })
    expect(await warningRows()).toEqual([[`user:${danaId}`, 'in_app', 'sent']])
  })

  it('[8.1.4] a reply before 12 minutes: no firing and no warning, the target met', async () => {
    const { start, ticketId } = await urgentTicket()
    t.clock.current = new Date(start.getTime() + 10 * MINUTE)
    const reply = await onTicket(t, ticketId, 'POST', '/replies', { body: 'On it, sorry!' })
    expect(reply.statusCode).toBe(201)
    expect(reply.json().ticket).toMatchObject({
      firstResponseAt: new Date(start.getTime() + 10 * MINUTE).toISOString(),
      firstResponseTime: 10,
      slaStatus: 'on_track',
      slaDueAt: null,
    })
    for (const minutes of [12, 15, 120]) await fireAt(t, start, minutes)
    expect(await firedRuleIds(t, ticketId)).toEqual([])
    expect(await warningsOf(ticketId)).toEqual([])
    expect((await readTicket(t, ticketId)).ticket.slaStatus).toBe('on_track')
    // the first response is set once: a second reply does not move it
    t.clock.current = new Date(start.getTime() + 130 * MINUTE)
    await onTicket(t, ticketId, 'POST', '/replies', { body: 'Anything else?' })
    expect((await ticketRow(t, ticketId)).firstResponseAt).toEqual(
      new Date(start.getTime() + 10 * MINUTE),
    )
  })

  it('[8.1.5] the warning goes out once per ticket and target; unassigned, to the inbox admins', async () => {
    const admin = await t.userId('admin@flare.test')
    const { start, ticketId } = await urgentTicket({ admins: [admin] })
    await fireAt(t, start, 12)
    await fireAt(t, start, 12)
    // a change to the ticket while at risk makes it due again at once: no second warning
    await onTicket(t, ticketId, 'POST', '/notes', { body: 'Looking into it' })
    await fireAt(t, start, 13)
    await fireAt(t, start, 16)
    const warnings = await warningsOf(ticketId)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ metric: 'first_response', targetUserIds: [admin] })
    const rows = await t.database.db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.slaWarningId, warnings[0]!.id))
    expect(rows.map((r) => r.target)).toEqual([`user:${admin}`])
  })

  it('[8.1.5] a priority raised after the at-risk point warns at once', async () => {
    const inbox = await isolatedInbox(t)
    await putPolicies({
      policies: [{ priority: 'urgent', inboxId: inbox.id, firstResponseMinutes: 15 }],
    })
    const start = t.clock.now()
    const ticketId = await customerWrites(t, inbox)
    expect((await readTicket(t, ticketId)).ticket.slaStatus).toBeNull()
    t.clock.current = new Date(start.getTime() + 13 * MINUTE)
    const danaId = await t.userId('dana@flare.test')
    const patch = await onTicket(t, ticketId, 'PATCH', '', {
      priority: 'urgent',
      assignedToUserId: danaId,
    })
    expect(patch.json().ticket.slaStatus).toBe('at_risk')
    expect((await ticketRow(t, ticketId)).nextDueAt).toEqual(t.clock.now())
    await t.app.scheduler.runDue(t.clock.now())
    expect(await warningsOf(ticketId)).toMatchObject([
      { metric: 'first_response', targetUserIds: [danaId] },
    ])
    // and the seed rule, due since minute 12, fires now that the ticket matches
    expect(await firedRuleIds(t, ticketId)).toEqual([seedRule.id])
  })

  it('[8.1.2] resolving stops the clocks and keeps the status as it was', async () => {
    const { start, ticketId } = await urgentTicket()
    t.clock.current = new Date(start.getTime() + 5 * MINUTE)
    const res = await onTicket(t, ticketId, 'PATCH', '', { status: 'resolved' })
    expect(res.json().ticket).toMatchObject({
      status: 'resolved',
      resolvedAt: t.clock.now().toISOString(),
      slaStatus: 'on_track',
      slaDueAt: null,
    })
    expect((await ticketRow(t, ticketId)).nextDueAt).toBeNull()
    await fireAt(t, start, 20)
    expect(await warningsOf(ticketId)).toEqual([])
  })

  it('[8.1.5] a warning to someone with no tab open reaches them once, from their next snapshot', async () => {
    const gusId = await t.userId('gus@flare.test')
    const { start, ticketId } = await urgentTicket({ assignee: gusId })
    // Gus has no tab open when the ticket becomes at risk
    await fireAt(t, start, 12)
    const [warning] = await warningsOf(ticketId)
    expect(warning).toBeDefined()
    const gusCookie = await cookieOf(t, 'gus@flare.test')
    const mine = (snapshot: SpaceSnapshot) =>
      (snapshot.slaWarnings ?? []).filter((w) => w.ticket.id === ticketId)

    // a tab that drops before it shows the card: the next one is offered it again
    const dropped = await clients.join(t.spaceId, gusCookie)
    expect(mine(dropped.snapshot)).toEqual([
      {
        warningId: warning!.id,
        ticket: expect.objectContaining({ id: ticketId, priority: 'urgent' }),
        metric: 'first_response',
        status: 'at_risk',
        at: new Date(start.getTime() + 12 * MINUTE).toISOString(),
        dueAt: new Date(start.getTime() + 15 * MINUTE).toISOString(),
        targetUserIds: [gusId],
      },
    ])
    dropped.client.disconnect()
    // nobody else's snapshot carries it: staff it went to only
    const eli = await clients.join(t.spaceId, await cookieOf(t, 'eli@flare.test'))
    expect(mine(eli.snapshot)).toEqual([])
    expect(await emitAck(eli.client, 'ticket:receipt', { warningId: warning!.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })

    const shown = await clients.join(t.spaceId, gusCookie)
    expect(mine(shown.snapshot)).toHaveLength(1)
    expect(await emitAck(shown.client, 'ticket:receipt', { warningId: warning!.id })).toMatchObject(
      { ok: true, first: true },
    )
    // a second tab's receipt changes nothing
    expect(await emitAck(shown.client, 'ticket:receipt', { warningId: warning!.id })).toMatchObject(
      { ok: true, first: false },
    )
    const rows = await t.database.db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.slaWarningId, warning!.id))
    expect(rows.map((r) => [r.target, r.state])).toEqual([[`user:${gusId}`, 'sent']])
    // shown once: no later snapshot brings it back
    const later = await clients.join(t.spaceId, gusCookie)
    expect(mine(later.snapshot)).toEqual([])
  })

  it('[8.1.5] a warning nobody showed within 6 h fails as not received and leaves the snapshot', async () => {
    const gusId = await t.userId('gus@flare.test')
    const { start, ticketId } = await urgentTicket({ assignee: gusId })
    await fireAt(t, start, 12)
    const [warning] = await warningsOf(ticketId)
    const rowOf = async () =>
      (
        await t.database.db
          .select()
          .from(notificationOutbox)
          .where(eq(notificationOutbox.slaWarningId, warning!.id))
      )[0]!
    const row = await rowOf()
    t.clock.current = new Date(row.queuedAt.getTime() + 6 * 60 * MINUTE)
    const outcomes = await t.app.notifications.runDue()
    expect(outcomes.filter((o) => o.id === row.id)).toEqual([
      { id: row.id, result: 'failed', error: NOT_RECEIVED },
    ])
    const { snapshot } = await clients.join(t.spaceId, await cookieOf(t, 'gus@flare.test'))
    expect((snapshot.slaWarnings ?? []).filter((w) => w.ticket.id === ticketId)).toEqual([])
  })
  it('[8.1.1] [8.1.3] a policy change moves the SLA of open and held tickets in the background; the held one then warns on time', async () => {
    const danaId = await t.userId('dana@flare.test')
    const inbox = await isolatedInbox(t)
    // wall-clock targets: this test runs whatever the hour the suite's clock has reached
    const policy = (firstResponseMinutes: number) => ({
      policies: [
        { priority: 'urgent', inboxId: inbox.id, firstResponseMinutes, businessHours: false },
      ],
    })
    expect((await putPolicies(policy(15))).statusCode).toBe(200)
    const start = t.clock.now()
    const openId = await customerWrites(t, inbox, 'The payment page is down!')
    await onTicket(t, openId, 'PATCH', '', { priority: 'urgent', assignedToUserId: danaId })
    const heldId = await customerWrites(t, inbox, 'Please call me back tomorrow')
    const hold = await onTicket(t, heldId, 'PATCH', '', {
      priority: 'urgent',
      assignedToUserId: danaId,
      status: 'on_hold',
      holdUntil: new Date(start.getTime() + 3 * 60 * MINUTE).toISOString(),
    })
    expect(hold.statusCode).toBe(200)
    expect(hold.json().ticket).toMatchObject({
      status: 'on_hold',
      slaDueAt: new Date(start.getTime() + 15 * MINUTE).toISOString(),
    })

    // the target doubles: both tickets are recomputed, the held one without waiting for a change
    t.clock.current = new Date(start.getTime() + 2 * MINUTE)
    expect((await putPolicies(policy(30))).statusCode).toBe(200)
    for (const id of [openId, heldId]) {
      const row = await ticketRow(t, id)
      expect({ id, slaDueAt: row.slaDueAt, slaStatus: row.slaStatus }).toEqual({
        id,
        slaDueAt: new Date(start.getTime() + 30 * MINUTE),
        slaStatus: 'on_track',
      })
      // the scheduler sleeps until the new at-risk point (80 % of 30 minutes)
      expect(row.nextDueAt).toEqual(new Date(start.getTime() + 24 * MINUTE))
    }
    expect((await ticketRow(t, heldId)).status).toBe('on_hold')
    // the recompute's progress counts the held ticket too
    const status = await t.app.dueRecompute.status(t.spaceId)
    expect(status.state).toBe('idle')

    // at the old at-risk point nothing happens; at the new one the held ticket warns
    await fireAt(t, start, 12)
    expect(await warningsOf(heldId)).toEqual([])
    await fireAt(t, start, 24)
    expect(await warningsOf(heldId)).toMatchObject([
      { metric: 'first_response', dueAt: new Date(start.getTime() + 30 * MINUTE) },
    ])
    expect((await ticketRow(t, heldId)).slaStatus).toBe('at_risk')
  })
})

import type { EscalationRule } from '@flare/protocol'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, groups, memberships } from '../src/db/schema.js'
import { isolatedInbox, ruleBody } from './automation-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf } from './tickets-support.js'

const RULES = '/api/tickets/escalation-rules'

describe.each(databaseKinds())('escalation rules and settings API on $name', (kind) => {
  let t: TestApp
  let token: string
  beforeAll(async () => {
    t = await startTestApp(kind)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: { name: 'seed 004 script' },
    })
    token = res.json().secret
  })
  afterAll(async () => {
    await t?.close()
  })

  it('[9] the request printed in seed 004 works verbatim with a Bearer token', async () => {
    const url = await t.listen()
    // as printed in seed 004, against this server
    const response = await fetch(`${url}/api/tickets/escalation-rules`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        name: 'Urgent Ticket Escalation',
        description: 'Escalate urgent tickets after 30 minutes',
        enabled: true,
        priority: 'urgent',
        conditions: [
          {
            field: 'status',
            operator: 'not_equals',
            value: 'resolved',
          },
          {
            field: 'status',
            operator: 'not_equals',
            value: 'closed',
          },
        ],
        escalateAfterMinutes: 30,
        escalateTo: 'manager',
        notificationChannels: ['email', 'slack'],
        addInternalNote: true,
        internalNoteTemplate: 'Ticket escalated to manager after 30 minutes without resolution',
      }),
    })
    expect(response.status).toBe(201)
    const { rule } = (await response.json()) as { rule: EscalationRule }
    expect(rule).toMatchObject({
      name: 'Urgent Ticket Escalation',
      description: 'Escalate urgent tickets after 30 minutes',
      enabled: true,
      priority: 'urgent',
      chain: 'default',
      clock: 'waiting',
      escalateAfterMinutes: 30,
      repeatEveryMinutes: null,
      businessHoursOnly: true,
      escalateTo: 'manager',
      notificationChannels: ['email', 'slack'],
      addInternalNote: true,
      inboxId: null,
      createdBy: await t.userId('manager@flare.test'),
      updatedBy: await t.userId('manager@flare.test'),
    })
    expect(rule.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(rule.conditions).toHaveLength(2)
    const read = await fetch(`${url}/api/tickets/escalation-rules/${rule.id}`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(read.status).toBe(200)
    expect(((await read.json()) as { rule: EscalationRule }).rule).toEqual(rule)
    const list = await fetch(`${url}/api/tickets/escalation-rules`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    const { rules } = (await list.json()) as { rules: EscalationRule[] }
    expect(rules.map((r) => r.id)).toContain(rule.id)
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, rule.id))
    expect(audit.map((a) => a.action)).toEqual(['create'])
  })

  it('[1] agents read rules but may not write them (403)', async () => {
    const dana = await cookieOf(t, 'dana@flare.test')
    const list = await t.app.inject({ method: 'GET', url: RULES, headers: { cookie: dana } })
    expect(list.statusCode).toBe(200)
    const res = await t.app.inject({
      method: 'POST',
      url: RULES,
      headers: { cookie: dana },
      payload: ruleBody({}),
    })
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('FORBIDDEN')
    const anon = await t.app.inject({ method: 'POST', url: RULES, payload: ruleBody({}) })
    expect(anon.statusCode).toBe(401)
  })

  it("[6.1] another space's team is refused with 400 naming escalateToTeamId", async () => {
    const [foreign] = await t.database.db
      .insert(groups)
      .values({ spaceId: t.otherSpace.spaceId, name: 'Theirs', handle: 'theirs' })
      .returning()
    const res = await t.app.inject({
      method: 'POST',
      url: RULES,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: ruleBody({ escalateTo: 'team', escalateToTeamId: foreign!.id }),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'VALIDATION', field: 'escalateToTeamId' })
  })

  it('[6.1] unknown users, rotations and inboxes are 400 with the field named', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const nobody = '00000000-0000-4000-8000-000000000000'
    for (const [body, field] of [
      [{ escalateTo: 'specific_user', escalateToUserId: nobody }, 'escalateToUserId'],
      [{ escalateTo: 'rotation', escalateToRotationId: nobody }, 'escalateToRotationId'],
      [{ inboxId: nobody }, 'inboxId'],
      [{ escalateTo: 'team' }, 'escalateToTeamId'],
      [{ escalateAfterMinutes: 0 }, 'escalateAfterMinutes'],
      [{ notificationChannels: ['pager'] }, 'notificationChannels.0'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: RULES,
        headers: { cookie: manager },
        payload: ruleBody(body),
      })
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().error.field).toBe(field)
    }
  })

  it('[6.1] an unknown template variable is 400 naming internalNoteTemplate', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: RULES,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: ruleBody({ addInternalNote: true, internalNoteTemplate: 'Hi {customer_name}' }),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ field: 'internalNoteTemplate' })
    expect(res.json().error.message).toContain('{customer_name}')
  })

  it('[9] a member of several spaces names the space with ?spaceId=', async () => {
    const managerId = await t.userId('manager@flare.test')
    await t.database.db
      .insert(memberships)
      .values({ spaceId: t.otherSpace.spaceId, userId: managerId, role: 'agent' })
    try {
      const manager = await cookieOf(t, 'manager@flare.test')
      const vague = await t.app.inject({ method: 'GET', url: RULES, headers: { cookie: manager } })
      expect(vague.statusCode).toBe(400)
      expect(vague.json().error).toMatchObject({ code: 'VALIDATION', field: 'spaceId' })
      const named = await t.app.inject({
        method: 'GET',
        url: `${RULES}?spaceId=${t.spaceId}`,
        headers: { cookie: manager },
      })
      expect(named.statusCode).toBe(200)
      // an agent in the other space: no writing there
      const there = await t.app.inject({
        method: 'POST',
        url: `${RULES}?spaceId=${t.otherSpace.spaceId}`,
        headers: { cookie: manager },
        payload: ruleBody({}),
      })
      expect(there.statusCode).toBe(403)
    } finally {
      await t.database.db.delete(memberships).where(eq(memberships.userId, managerId)).execute()
      await t.database.db
        .insert(memberships)
        .values({ spaceId: t.spaceId, userId: managerId, role: 'manager' })
        .onConflictDoNothing()
    }
  })

  it("[1] a rule of another space is 404, and the outsider sees only their own space's rules", async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: RULES,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: ruleBody({}),
    })
    const id = created.json().rule.id
    const outsider = await cookieOf(t, t.otherSpace.email)
    const read = await t.app.inject({
      method: 'GET',
      url: `${RULES}/${id}`,
      headers: { cookie: outsider },
    })
    expect(read.statusCode).toBe(404)
    const list = await t.app.inject({ method: 'GET', url: RULES, headers: { cookie: outsider } })
    expect(list.json().rules).toEqual([])
  })

  it('[6.1] PUT validates the merged rule: switching to team needs a team', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const created = await t.app.inject({
      method: 'POST',
      url: RULES,
      headers: { cookie: manager },
      payload: ruleBody({}),
    })
    const rule = created.json().rule
    const bad = await t.app.inject({
      method: 'PUT',
      url: `${RULES}/${rule.id}`,
      headers: { cookie: manager },
      payload: { escalateTo: 'team' },
    })
    expect(bad.json().error.field).toBe('escalateToTeamId')
    t.clock.advance(60_000)
    const admin = await cookieOf(t, 'admin@flare.test')
    const good = await t.app.inject({
      method: 'PUT',
      url: `${RULES}/${rule.id}`,
      headers: { cookie: admin },
      payload: { name: 'Renamed' },
    })
    expect(good.statusCode).toBe(200)
    expect(good.json().rule).toMatchObject({
      name: 'Renamed',
      createdAt: rule.createdAt,
      createdBy: rule.createdBy,
      updatedBy: await t.userId('admin@flare.test'),
    })
    expect(good.json().rule.updatedAt).not.toBe(rule.updatedAt)
  })

  it('[6.1] rotations: members of the space only, and listed in order', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const dana = await t.userId('dana@flare.test')
    const eli = await t.userId('eli@flare.test')
    const url = `/api/spaces/${t.spaceId}/rotations`
    const created = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: manager },
      payload: { name: 'On call', memberIds: [dana, eli] },
    })
    expect(created.statusCode).toBe(201)
    const rotation = created.json().rotation
    expect(rotation).toMatchObject({ name: 'On call', memberIds: [dana, eli], nextIndex: 0 })
    const outsider = await t.userId(t.otherSpace.email)
    const stranger = await t.app.inject({
      method: 'PUT',
      url: `${url}/${rotation.id}`,
      headers: { cookie: manager },
      payload: { memberIds: [dana, outsider] },
    })
    expect(stranger.json().error.field).toBe('memberIds.1')
    const agent = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
      payload: { name: 'Mine', memberIds: [dana] },
    })
    expect(agent.statusCode).toBe(403)
    const rule = await t.app.inject({
      method: 'POST',
      url: RULES,
      headers: { cookie: manager },
      payload: ruleBody({ escalateTo: 'rotation', escalateToRotationId: rotation.id }),
    })
    expect(rule.statusCode).toBe(201)
    const busy = await t.app.inject({
      method: 'DELETE',
      url: `${url}/${rotation.id}`,
      headers: { cookie: manager },
    })
    expect(busy.statusCode).toBe(409)
    const list = await t.app.inject({ method: 'GET', url, headers: { cookie: manager } })
    expect(list.json().rotations.map((r: { id: string }) => r.id)).toContain(rotation.id)
  })

  it('[5] business hours: Mon–Fri 09:00–17:00 by default; validated; managers only', async () => {
    const url = `/api/spaces/${t.spaceId}/business-hours`
    const dana = await cookieOf(t, 'dana@flare.test')
    const read = await t.app.inject({ method: 'GET', url, headers: { cookie: dana } })
    expect(read.json().calendar).toMatchObject({
      mode: 'same',
      timezone: 'Europe/London',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '17:00',
    })
    const agent = await t.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: dana },
      payload: { calendar: { mode: 'always', timezone: 'UTC' } },
    })
    expect(agent.statusCode).toBe(403)
    const manager = await cookieOf(t, 'manager@flare.test')
    const bad = await t.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: manager },
      payload: {
        calendar: {
          mode: 'per-day',
          timezone: 'Europe/London',
          days: {
            mon: [
              { start: '09:00', end: '13:00' },
              { start: '12:00', end: '17:00' },
            ],
          },
        },
      },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.field).toBe('calendar.days.mon.1')
    const zone = await t.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: manager },
      payload: { calendar: { mode: 'always', timezone: 'Mars/Olympus' } },
    })
    expect(zone.json().error.field).toBe('calendar.timezone')
  })

  it('[6.5] the phone preset shows in the rules list and is for admins and managers', async () => {
    const inbox = await isolatedInbox(t)
    const url = `/api/spaces/${t.spaceId}/inboxes/${inbox.id}/escalation-phone`
    const manager = await cookieOf(t, 'manager@flare.test')
    const unset = await t.app.inject({ method: 'GET', url, headers: { cookie: manager } })
    expect(unset.json()).toMatchObject({ enabled: false, ruleId: null })
    const agent = await t.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
      payload: { enabled: true, phone: '+14155550100', minutes: 5 },
    })
    expect(agent.statusCode).toBe(403)
    const saved = await t.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: manager },
      payload: { enabled: true, phone: '+44 20 7946 0958', minutes: 5 },
    })
    expect(saved.statusCode).toBe(200)
    expect(saved.json()).toMatchObject({ enabled: true, phone: '+442079460958', minutes: 5 })
    const again = await t.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: manager },
      payload: { enabled: false, phone: '+442079460958', minutes: 10 },
    })
    expect(again.json().ruleId).toBe(saved.json().ruleId)
    const list = await t.app.inject({ method: 'GET', url: RULES, headers: { cookie: manager } })
    const preset = list
      .json()
      .rules.filter((r: { chain: string }) => r.chain === `phone:${inbox.id}`)
    expect(preset).toHaveLength(1)
    expect(preset[0]).toMatchObject({
      name: 'Escalation to a phone',
      enabled: false,
      inboxId: inbox.id,
      escalateTo: 'phone',
      recipientPhone: '+442079460958',
      notificationChannels: ['sms'],
      escalateAfterMinutes: 10,
    })
  })

  it('[9] the OpenAPI description documents the rules API and its ?spaceId=', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' })
    expect(res.statusCode).toBe(200)
    const paths = res.json().paths
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/tickets/escalation-rules',
        '/api/tickets/escalation-rules/{id}',
        '/api/spaces/{spaceId}/rotations',
        '/api/spaces/{spaceId}/business-hours',
        '/api/spaces/{spaceId}/inboxes/{inboxId}/escalation-phone',
      ]),
    )
    expect(paths['/api/tickets/escalation-rules'].post.description).toContain('?spaceId=')
  })
})

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Clients, emitAck } from './sockets.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, demoInbox, postSms } from './tickets-support.js'

// Issue #11, findings 4 and 5: NUL bytes and unpaired surrogates reached PostgreSQL (a 500 that
// logged the SQL), and rule ids that were not UUIDs were a 500 too. Every one is a 400 now.
const NUL = 'a\u0000b'
const LONE = 'x\ud800'
const NOT_A_UUID = 'x'

interface Case {
  name: string
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: (ids: Ids) => string
  body: (bad: string) => Record<string, unknown>
  field: string
  /** Sent with the demo inbox's secret instead of a cookie. */
  inbound?: boolean
}
interface Ids {
  spaceId: string
  inboxId: string
  ticketId: string
  ruleId: string
}

const rule = {
  name: 'Text policy',
  enabled: true,
  priority: 'all',
  escalateAfterMinutes: 30,
  notificationChannels: ['in_app'],
}

const textCases: Case[] = [
  {
    name: 'login email',
    method: 'POST',
    url: () => '/api/auth/login',
    body: (bad) => ({ email: `${bad}@flare.test`, password: 'x' }),
    field: 'email',
  },
  {
    name: 'token name',
    method: 'POST',
    url: () => '/api/tokens',
    body: (bad) => ({ name: bad }),
    field: 'name',
  },
  {
    name: 'inbox name',
    method: 'POST',
    url: (i) => `/api/spaces/${i.spaceId}/inboxes`,
    body: (bad) => ({ name: bad }),
    field: 'name',
  },
  {
    name: 'inbox address',
    method: 'PATCH',
    url: (i) => `/api/spaces/${i.spaceId}/inboxes/${i.inboxId}`,
    body: (bad) => ({ channelAddress: `+1555${bad}` }),
    field: 'channelAddress',
  },
  {
    name: 'ticket subject',
    method: 'POST',
    url: (i) => `/api/spaces/${i.spaceId}/tickets`,
    body: (bad) => ({ inboxId: '', subject: bad, customer: { name: 'C' } }),
    field: 'subject',
  },
  {
    name: 'ticket customer name',
    method: 'PATCH',
    url: (i) => `/api/spaces/${i.spaceId}/tickets/${i.ticketId}`,
    body: (bad) => ({ customer: { name: bad } }),
    field: 'customer.name',
  },
  {
    name: 'reply',
    method: 'POST',
    url: (i) => `/api/spaces/${i.spaceId}/tickets/${i.ticketId}/replies`,
    body: (bad) => ({ body: bad }),
    field: 'body',
  },
  {
    name: 'note',
    method: 'POST',
    url: (i) => `/api/spaces/${i.spaceId}/tickets/${i.ticketId}/notes`,
    body: (bad) => ({ body: bad }),
    field: 'body',
  },
  {
    name: 'rule name',
    method: 'POST',
    url: () => '/api/tickets/escalation-rules',
    body: (bad) => ({ ...rule, name: bad }),
    field: 'name',
  },
  {
    name: 'rule condition value',
    method: 'POST',
    url: () => '/api/tickets/escalation-rules',
    body: (bad) => ({
      ...rule,
      conditions: [{ field: 'customerTag', operator: 'contains', value: bad }],
    }),
    field: 'conditions.0.value',
  },
  {
    name: 'rule note template',
    method: 'PUT',
    url: (i) => `/api/tickets/escalation-rules/${i.ruleId}`,
    body: (bad) => ({ addInternalNote: true, internalNoteTemplate: bad }),
    field: 'internalNoteTemplate',
  },
  {
    name: 'rotation name',
    method: 'POST',
    url: (i) => `/api/spaces/${i.spaceId}/rotations`,
    body: (bad) => ({ name: bad, memberIds: [i0] }),
    field: 'name',
  },
  {
    name: 'business hours timezone',
    method: 'PUT',
    url: (i) => `/api/spaces/${i.spaceId}/business-hours`,
    body: (bad) => ({ calendar: { mode: 'always', timezone: bad } }),
    field: 'calendar.timezone',
  },
  {
    name: 'escalation message',
    method: 'POST',
    url: (i) => `/api/spaces/${i.spaceId}/escalations`,
    body: (bad) => ({ message: bad, notify: false, recipients: { userIds: [], groupIds: [] } }),
    field: 'message',
  },
  {
    // found by the fuzz suite: a NUL in the endpoint reached PostgreSQL and answered 500
    name: 'push endpoint to forget',
    method: 'DELETE',
    url: () => '/api/me/push-subscriptions',
    body: (bad) => ({ endpoint: `https://push.example/${bad}` }),
    field: 'endpoint',
  },
  {
    name: 'inbound JSON body',
    method: 'POST',
    url: (i) => `/api/inbound/inboxes/${i.inboxId}/messages`,
    body: (bad) => ({ customer: { phone: '+15551230000' }, body: bad }),
    field: 'body',
    inbound: true,
  },
]
// a member id for the rotation case, filled in before the cases run
let i0 = ''

describe.each(databaseKinds())('the text policy at the boundary on $name', (kind) => {
  let t: TestApp
  let ids: Ids
  let cookie: string
  let secret: string
  let url = ''
  const clients = new Clients(() => url)

  beforeAll(async () => {
    t = await startTestApp(kind)
    url = await t.listen()
    cookie = await cookieOf(t, 'manager@flare.test')
    const inbox = await demoInbox(t)
    secret = inbox.webhookSecret
    i0 = await t.userId('dana@flare.test')
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/tickets`,
      headers: { cookie },
      payload: { inboxId: inbox.id, subject: 'Text policy', customer: { name: 'C' } },
    })
    const storedRule = await t.app.inject({
      method: 'POST',
      url: '/api/tickets/escalation-rules',
      headers: { cookie },
      payload: rule,
    })
    ids = {
      spaceId: t.spaceId,
      inboxId: inbox.id,
      ticketId: created.json().ticket.id,
      ruleId: storedRule.json().rule.id,
    }
  })
  afterEach(() => clients.closeAll())
  afterAll(async () => {
    await t.close()
  })

  for (const c of textCases) {
    it(`[12] refuses a NUL byte and an unpaired surrogate in the ${c.name} with 400 naming ${c.field}`, async () => {
      for (const bad of [NUL, LONE]) {
        let body = c.body(bad)
        if (c.name === 'ticket subject') body = { ...body, inboxId: ids.inboxId }
        const res = await t.app.inject({
          method: c.method,
          url: c.url(ids),
          headers: c.inbound ? { 'x-flare-inbox-secret': secret } : { cookie },
          payload: body,
        })
        expect(res.statusCode, res.body).toBe(400)
        expect(res.json().error).toMatchObject({ code: 'VALIDATION', field: c.field })
      }
    })
  }

  it('[12] refuses a NUL byte in the SMS form with 400 naming the field', async () => {
    const res = await postSms(
      t.app,
      { From: '+15551230000', To: '+15550100', Body: NUL, MessageSid: 'SM-nul' },
      secret,
    )
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'VALIDATION', field: 'Body' })
  })

  for (const field of ['escalateToTeamId', 'escalateToUserId', 'escalateToRotationId', 'inboxId']) {
    it(`[6.1] refuses a rule whose ${field} is not a UUID with 400 naming it, on create and update`, async () => {
      const target = field.replace('escalateTo', '').replace('Id', '')
      const escalateTo =
        target === 'Team'
          ? 'team'
          : target === 'User'
            ? 'specific_user'
            : target === 'Rotation'
              ? 'rotation'
              : 'assigned'
      for (const [method, path] of [
        ['POST', '/api/tickets/escalation-rules'],
        ['PUT', `/api/tickets/escalation-rules/${ids.ruleId}`],
      ] as const) {
        const res = await t.app.inject({
          method,
          url: path,
          headers: { cookie },
          payload: { ...rule, escalateTo, [field]: NOT_A_UUID },
        })
        expect(res.statusCode, res.body).toBe(400)
        expect(res.json().error).toMatchObject({
          code: 'VALIDATION',
          field,
          message: `${field}: must be a UUID (or null)`,
        })
      }
    })
  }

  it('[9] refuses NUL and unpaired surrogates in socket payloads, naming the field', async () => {
    const { client } = await clients.join(t.spaceId, cookie)
    for (const bad of [NUL, LONE]) {
      const chat = await emitAck(client, 'chat:send', { to: { kind: 'space' }, body: bad })
      expect(chat).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'body' } })
      const raise = await emitAck(client, 'escalation:raise', {
        message: bad,
        notify: false,
        recipients: { userIds: [], groupIds: [] },
      })
      expect(raise).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'message' } })
    }
    const notUuid = await emitAck(client, 'escalation:respond', {
      escalationId: NOT_A_UUID,
      action: 'chat',
    })
    expect(notUuid).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', field: 'escalationId' },
    })
  })
})

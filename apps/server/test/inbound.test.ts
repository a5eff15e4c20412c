import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import {
  cookieOf,
  demoInbox,
  freshInbox,
  freshSid,
  postSms,
  readTicket,
} from './tickets-support.js'

describe.each(databaseKinds())('inbound customer messages on $name', (kind) => {
  let t: TestApp
  let inbox: Awaited<ReturnType<typeof freshInbox>>

  beforeAll(async () => {
    t = await startTestApp(kind)
    inbox = await freshInbox(t, '+1 (555) 900-1000')
  })
  afterAll(async () => {
    await t?.close()
  })

  async function ticketsOfInbox(inboxId = inbox.id) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/tickets?inboxId=${inboxId}`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    return res.json().tickets as Array<{ id: string; customer: { phone: string | null } }>
  }

  async function messageCount(providerId: string): Promise<number> {
    const [row] = await t.database.query<{ n: number }>(
      sql`select count(*)::int as n from ticket_messages where provider_message_id = ${providerId}`,
    )
    return row?.n ?? 0
  }

  it('[4] an SMS to the inbox number opens a ticket; `To` picks the inbox, whatever its formatting', async () => {
    expect(inbox.channelAddress).toBe('+15559001000')
    const res = await postSms(
      t.app,
      {
        From: '+1 555 333 0001',
        To: '+15559001000',
        Body: 'My card was declined',
        MessageSid: freshSid(),
        AccountSid: 'AC1',
      },
      inbox.webhookSecret,
    )
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/xml')
    expect(res.body).toContain('<Response>')
    const [ticket] = await ticketsOfInbox()
    expect(ticket).toMatchObject({
      customer: { phone: '+15553330001' },
      subject: 'My card was declined',
      status: 'open',
    })
  })

  it('[4] a second message from the same customer appends to the open ticket', async () => {
    const fields = { From: '+15553330002', To: inbox.channelAddress ?? '', Body: 'first' }
    await postSms(t.app, { ...fields, MessageSid: freshSid() }, inbox.webhookSecret)
    await postSms(t.app, { ...fields, Body: 'second', MessageSid: freshSid() }, inbox.webhookSecret)
    const mine = (await ticketsOfInbox()).filter((x) => x.customer.phone === '+15553330002')
    expect(mine).toHaveLength(1)
    const { messages } = await readTicket(t, mine[0]!.id)
    expect(messages.map((m) => m.body)).toEqual(['first', 'second'])
  })

  it('[4] the same message delivered twice is stored once', async () => {
    const sid = freshSid()
    const fields = {
      From: '+15553330003',
      To: inbox.channelAddress ?? '',
      Body: 'only once',
      MessageSid: sid,
    }
    const first = await postSms(t.app, fields, inbox.webhookSecret)
    const again = await postSms(t.app, fields, inbox.webhookSecret)
    expect([first.statusCode, again.statusCode]).toEqual([200, 200])
    expect(await messageCount(sid)).toBe(1)
  })

  it('[4] duplicate deliveries arriving at the same moment are stored once, in one ticket', async () => {
    const sid = freshSid()
    const fields = {
      From: '+15553330004',
      To: inbox.channelAddress ?? '',
      Body: 'race',
      MessageSid: sid,
    }
    const results = await Promise.all(
      Array.from({ length: 5 }, () => postSms(t.app, fields, inbox.webhookSecret)),
    )
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200])
    expect(await messageCount(sid)).toBe(1)
    // and different messages of a new customer arriving together open one ticket, not several
    await Promise.all(
      ['a', 'b', 'c'].map((Body) =>
        postSms(
          t.app,
          { From: '+15553330005', To: inbox.channelAddress ?? '', Body, MessageSid: freshSid() },
          inbox.webhookSecret,
        ),
      ),
    )
    const mine = (await ticketsOfInbox()).filter((x) => x.customer.phone === '+15553330005')
    expect(mine).toHaveLength(1)
    expect((await readTicket(t, mine[0]!.id)).messages).toHaveLength(3)
  })

  it('[4] the JSON endpoint takes the same messages, with the same dedupe', async () => {
    const url = `/api/inbound/inboxes/${inbox.id}/messages`
    const payload = {
      customer: { name: 'Jo Bloggs', email: 'Jo@Example.test' },
      subject: 'Refund',
      body: 'I would like a refund.',
      messageId: 'mail-1',
    }
    const headers = { 'x-flare-inbox-secret': inbox.webhookSecret }
    const first = await t.app.inject({ method: 'POST', url, headers, payload })
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({ ticketCreated: true, duplicate: false })
    const again = await t.app.inject({ method: 'POST', url, headers, payload })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({ ...first.json(), ticketCreated: false, duplicate: true })
    const next = await t.app.inject({
      method: 'POST',
      url,
      headers,
      payload: {
        ...payload,
        customer: { email: 'jo@example.test' },
        body: 'Any news?',
        messageId: 'mail-2',
      },
    })
    expect(next.json()).toMatchObject({ ticketId: first.json().ticketId, ticketCreated: false })
    const { ticket } = await readTicket(t, first.json().ticketId)
    expect(ticket).toMatchObject({
      subject: 'Refund',
      customer: { name: 'Jo Bloggs', email: 'jo@example.test', phone: null },
    })
  })

  it('[4] accepts the secret as the password of HTTP Basic auth, as providers send it from the URL', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/inbound/sms',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`flare:${inbox.webhookSecret}`).toString('base64')}`,
      },
      payload: new URLSearchParams({
        From: '+15553330006',
        To: inbox.channelAddress ?? '',
        Body: 'basic',
        MessageSid: freshSid(),
      }).toString(),
    })
    expect(res.statusCode).toBe(200)
  })

  it('[4.4] an API token of an admin or manager of the inbox’s space is accepted as a Bearer token; an agent’s, an outsider’s or a session cookie is not', async () => {
    const tokenOf = async (email: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie: await cookieOf(t, email) },
          payload: { name: 'integration' },
        })
      ).json().secret as string
    const post = (headers: Record<string, string>, body: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/inbound/inboxes/${inbox.id}/messages`,
        headers,
        payload: { customer: { phone: '+15553330077' }, body },
      })

    const manager = await post(
      { authorization: `Bearer ${await tokenOf('manager@flare.test')}` },
      'by token',
    )
    expect(manager.statusCode).toBe(201)
    const refusals: Array<Record<string, string>> = [
      { authorization: `Bearer ${await tokenOf('dana@flare.test')}` },
      { authorization: `Bearer ${await tokenOf(t.otherSpace.email)}` },
      { authorization: 'Bearer not-a-token' },
      { cookie: await cookieOf(t, 'manager@flare.test') },
    ]
    for (const refused of refusals) {
      const res = await post(refused, 'refused')
      expect(res.statusCode).toBe(401)
      expect(res.json().error.code).toBe('UNAUTHENTICATED')
    }
    const { messages } = await readTicket(t, manager.json().ticketId)
    expect(messages.map((m: { body: string }) => m.body)).toEqual(['by token'])
  })

  it('[10] refuses a wrong or missing secret, another inbox’s secret and an unknown number alike, storing nothing', async () => {
    const demo = await demoInbox(t)
    const before = await t.database.query<{ n: number }>(
      sql`select count(*)::int as n from ticket_messages`,
    )
    const fields = {
      From: '+15553330007',
      To: inbox.channelAddress ?? '',
      Body: 'x',
      MessageSid: freshSid(),
    }
    for (const [form, secret] of [
      [fields, null],
      [fields, 'wrong'],
      [fields, demo.webhookSecret],
      [{ ...fields, To: '+19999999999' }, inbox.webhookSecret],
    ] as const) {
      const res = await postSms(t.app, form, secret)
      expect(res.statusCode).toBe(401)
      expect(res.json().error.code).toBe('UNAUTHENTICATED')
    }
    const json = await t.app.inject({
      method: 'POST',
      url: `/api/inbound/inboxes/${demo.id}/messages`,
      headers: { 'x-flare-inbox-secret': inbox.webhookSecret },
      payload: { customer: { phone: '+15553330007' }, body: 'x' },
    })
    expect(json.statusCode).toBe(401)
    const after = await t.database.query<{ n: number }>(
      sql`select count(*)::int as n from ticket_messages`,
    )
    expect(after).toEqual(before)
  })

  it('[10] refuses malformed deliveries with 400 and the field', async () => {
    const missing = await postSms(
      t.app,
      { To: inbox.channelAddress ?? '', Body: 'x' },
      inbox.webhookSecret,
    )
    expect(missing.statusCode).toBe(400)
    expect(missing.json().error.field).toBe('From')
    const noContact = await t.app.inject({
      method: 'POST',
      url: `/api/inbound/inboxes/${inbox.id}/messages`,
      headers: { 'x-flare-inbox-secret': inbox.webhookSecret },
      payload: { customer: { name: 'Anonymous' }, body: 'x' },
    })
    expect(noContact.statusCode).toBe(400)
    expect(noContact.json().error.field).toBe('customer')
    const tooLong = await t.app.inject({
      method: 'POST',
      url: `/api/inbound/inboxes/${inbox.id}/messages`,
      headers: { 'x-flare-inbox-secret': inbox.webhookSecret },
      payload: { customer: { phone: '+15550000' }, body: 'x'.repeat(20_001) },
    })
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.json().error.field).toBe('body')
  })

  it('[4] a rotated secret replaces the old one', async () => {
    const other = await freshInbox(t, '+15559002000')
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/inboxes/${other.id}/rotate-secret`,
      headers: { cookie: await cookieOf(t, 'admin@flare.test') },
    })
    expect(rotated.statusCode).toBe(200)
    const secret = rotated.json().inbox.webhookSecret
    expect(secret).not.toBe(other.webhookSecret)
    const fields = { From: '+15553330008', To: '+15559002000', Body: 'x', MessageSid: freshSid() }
    expect((await postSms(t.app, fields, other.webhookSecret)).statusCode).toBe(401)
    expect((await postSms(t.app, fields, secret)).statusCode).toBe(200)
  })
})

import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notificationOutbox, users } from '../src/db/schema.js'
import {
  createRule,
  customerWrites,
  isolatedInbox,
  MINUTE,
  outboxOf,
} from './automation-support.js'
import { LocalHttp, LocalSmtp, signatureVerifies, twilioAccepted } from './notifications-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, onTicket } from './tickets-support.js'

const SID = 'AC0123456789abcdef'
const MESSAGES_PATH = `/2010-04-01/Accounts/${SID}/Messages.json`

/** Waits (polling the database) until every outbox row of the tickets left `pending`. */
async function settled(t: TestApp, ticketIds: string[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const rows = (await outboxOf(t, ticketIds)).filter((r) => r.channel !== 'in_app')
    if (rows.length > 0 && rows.every((r) => r.state !== 'pending')) return rows
    if (Date.now() > deadline) throw new Error(`still pending: ${JSON.stringify(rows)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe.each(databaseKinds())('[7] the issue bars, with the worker running, on $name', (kind) => {
  const smtp = new LocalSmtp()
  const sms = new LocalHttp()
  const slack = new LocalHttp()
  const hooks = new LocalHttp()
  let t: TestApp

  beforeAll(async () => {
    await Promise.all([smtp.start(), sms.start(), slack.start(), hooks.start()])
    sms.fallback = twilioAccepted('SM00000000000000000000000000000001')
    t = await startTestApp(kind, {
      config: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Flare Alerts <alerts@flare.test>',
        SMS_API_URL: sms.url,
        SMS_ACCOUNT_SID: SID,
        SMS_AUTH_TOKEN: 'secret-token',
        ALLOW_PRIVATE_URLS: 'true',
        PUBLIC_URL: 'https://flare.example.com',
      },
      // the worker's timer runs as in production; only the clock is the test's
      notifications: { worker: true },
    })
    await t.app.ready()
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await Promise.all([smtp.stop(), sms.stop(), slack.stop(), hooks.stop()])
  })

  it('[7.1][7.2.2][7.2.3][7.2.4][7.2.5] a 1-minute rule on email, sms, slack and webhook delivers one of each within 5 s; the signature verifies', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const dana = await t.userId('dana@flare.test')
    await t.database.db.update(users).set({ phone: '+14155550123' }).where(eq(users.id, dana))
    const slackRes = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/integrations/slack`,
      headers: { cookie: manager },
      payload: { webhookUrl: `${slack.url}/services/T000/B000/XXXX` },
    })
    expect(slackRes.statusCode).toBe(200)
    const hookRes = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/webhooks`,
      headers: { cookie: manager },
      payload: { url: `${hooks.url}/flare-hook` },
    })
    expect(hookRes.statusCode).toBe(201)
    const { secret } = hookRes.json().webhook as { secret: string }

    const inbox = await isolatedInbox(t)
    await createRule(t, {
      inboxId: inbox.id,
      escalateAfterMinutes: 1,
      escalateTo: 'specific_user',
      escalateToUserId: dana,
      notificationChannels: ['email', 'sms', 'slack', 'webhook'],
    })
    const ticketId = await customerWrites(t, inbox, 'My card was charged twice')
    t.clock.advance(MINUTE)

    const firedAt = Date.now()
    const processed = await t.app.scheduler.runDue(t.clock.now())
    expect(processed.flatMap((p) => p.firings).some((f) => f.ticket.id === ticketId)).toBe(true)
    await Promise.all([
      smtp.waitFor(1, 5_000),
      sms.waitFor(MESSAGES_PATH, 1, 5_000),
      slack.waitFor('/services/', 1, 5_000),
      hooks.waitFor('/flare-hook', 1, 5_000),
    ])
    expect(Date.now() - firedAt).toBeLessThan(5_000)
    const rows = await settled(t, [ticketId])
    expect(rows.map((r) => [r.channel, r.state]).sort()).toEqual([
      ['email', 'sent'],
      ['slack', 'sent'],
      ['sms', 'sent'],
      ['webhook', 'sent'],
    ])
    const keys = new Set(rows.map((r) => r.idempotencyKey))
    const byChannel = Object.fromEntries(rows.map((r) => [r.channel, r]))

    // exactly one message on each, each carrying its row's idempotency key
    const mails = smtp.mails.filter((m) => m.idempotencyKey && keys.has(m.idempotencyKey))
    expect(mails).toHaveLength(1)
    const mail = mails[0]!
    expect(mail.idempotencyKey).toBe(byChannel.email!.idempotencyKey)
    expect(mail.messageId).toMatch(/^<flare-[0-9a-f]{32}@flare\.test>$/)
    expect(mail.parsed.from?.value[0]).toMatchObject({
      name: 'Flare Alerts',
      address: 'alerts@flare.test',
    })
    expect(mail.to).toContain('dana@flare.test')
    expect(mail.parsed.text).toContain(`https://flare.example.com/t/${ticketId}`)
    expect(mail.parsed.html).toContain(`href="https://flare.example.com/t/${ticketId}"`)

    const texts = sms.to(MESSAGES_PATH)
    expect(texts).toHaveLength(1)
    const form = new URLSearchParams(texts[0]!.body)
    expect(form.get('From')).toBe(inbox.channelAddress)
    expect(form.get('To')).toBe('+14155550123')
    expect(form.get('Body')).toContain(`https://flare.example.com/t/${ticketId}`)
    expect(texts[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${SID}:secret-token`).toString('base64')}`,
    )
    expect(texts[0]!.headers['idempotency-key']).toBe(byChannel.sms!.idempotencyKey)

    const posts = slack.to('/services/')
    expect(posts).toHaveLength(1)
    const message = JSON.parse(posts[0]!.body)
    expect(JSON.stringify(message.blocks)).toContain(`https://flare.example.com/t/${ticketId}`)
    expect(posts[0]!.headers['idempotency-key']).toBe(byChannel.slack!.idempotencyKey)

    const deliveries = hooks.to('/flare-hook')
    expect(deliveries).toHaveLength(1)
    const hook = deliveries[0]!
    expect(hook.headers['flare-event']).toBe('ticket.escalated')
    expect(hook.headers['flare-delivery-id']).toBe(byChannel.webhook!.id)
    expect(hook.headers['idempotency-key']).toBe(byChannel.webhook!.idempotencyKey)
    expect(signatureVerifies(secret, String(hook.headers['flare-signature']), hook.body)).toBe(true)
    expect(
      signatureVerifies('whsec_wrong', String(hook.headers['flare-signature']), hook.body),
    ).toBe(false)
    const payload = JSON.parse(hook.body)
    expect(payload).toMatchObject({
      event: 'ticket.escalated',
      ticket: { id: ticketId, link: `https://flare.example.com/t/${ticketId}` },
      escalation: { level: 1, targetUserIds: [dana] },
    })

    // nothing more goes out when the worker looks again
    await t.app.notifications.runDue()
    expect(smtp.mails.filter((m) => m.idempotencyKey && keys.has(m.idempotencyKey))).toHaveLength(1)
    expect(sms.to(MESSAGES_PATH)).toHaveLength(1)
    expect(hooks.to('/flare-hook')).toHaveLength(1)
  })

  it("[6.5.3] seed 000's phone forward sends one SMS from the inbox number with the name, an excerpt and the link", async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const inbox = await isolatedInbox(t)
    const before = sms.to(MESSAGES_PATH).length
    const set = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/inboxes/${inbox.id}/escalation-phone`,
      headers: { cookie: manager },
      payload: { enabled: true, phone: '+1 (415) 555-0199', minutes: 1 },
    })
    expect(set.statusCode).toBe(200)
    const inbound = await t.app.inject({
      method: 'POST',
      url: `/api/inbound/inboxes/${inbox.id}/messages`,
      headers: { 'x-flare-inbox-secret': inbox.webhookSecret },
      payload: {
        customer: { name: 'Maria Lopez', phone: '+15557770001' },
        body: 'Hi, my order #5521 never arrived and the tracking page has said "out for delivery" for six days now. Can someone help?',
      },
    })
    expect(inbound.statusCode).toBe(201)
    const { ticketId } = inbound.json() as { ticketId: string }
    t.clock.advance(MINUTE)
    await t.app.scheduler.runDue(t.clock.now())
    const texts = await sms.waitFor(MESSAGES_PATH, before + 1, 5_000)
    await settled(t, [ticketId])
    const mine = texts.slice(before)
    expect(mine).toHaveLength(1)
    const form = new URLSearchParams(mine[0]!.body)
    expect(form.get('From')).toBe(inbox.channelAddress)
    expect(form.get('To')).toBe('+14155550199')
    const body = form.get('Body') ?? ''
    expect(body).toContain('Maria Lopez')
    expect(body).toContain('my order #5521')
    expect(body).toContain(`https://flare.example.com/t/${ticketId}`)
    expect(body.length).toBeLessThanOrEqual(160)
  })

  it('[7.4] the short link in a notification opens the ticket in its space for its members, and tells nobody else where it is', async () => {
    const inbox = await isolatedInbox(t)
    const ticketId = await customerWrites(t, inbox)
    const open = async (id: string, cookie?: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/t/${id}`,
        ...(cookie ? { headers: { cookie } } : {}),
      })
      expect(res.statusCode).toBe(302)
      return res.headers.location
    }
    const member = await cookieOf(t, 'dana@flare.test')
    expect(await open(ticketId, member)).toBe(`/spaces/${t.spaceId}?ticket=${ticketId}`)
    // signed out, or a member of another space: the same answer as for a ticket that does not exist
    const unknown = '00000000-0000-4000-8000-000000000000'
    expect(await open(ticketId)).toBe(`/?ticket=${ticketId}`)
    expect(await open(unknown)).toBe(`/?ticket=${unknown}`)
    const stranger = await t.login(t.otherSpace.email)
    expect(await open(ticketId, stranger)).toBe(`/?ticket=${ticketId}`)
    expect(await open(unknown, member)).toBe(`/?ticket=${unknown}`)
    // shaped like an id but none: home, not a database error
    for (const bad of ['-'.repeat(36), '0'.repeat(36), 'g'.repeat(36)]) {
      expect(await open(bad, member), bad).toBe('/')
    }
  })

  it('[7.2.3] a staff reply on an SMS ticket reaches the provider as one POST …/Messages.json from the inbox number', async () => {
    const inbox = await isolatedInbox(t)
    const ticketId = await customerWrites(t, inbox, 'Is the store open on Sunday?')
    const before = sms.to(MESSAGES_PATH).length
    const reply = await onTicket(t, ticketId, 'POST', '/replies', { body: 'Yes, 10:00 to 16:00.' })
    expect(reply.statusCode).toBe(201)
    expect(reply.json().message.delivery).toMatchObject({ state: 'sending' })
    const texts = await sms.waitFor(MESSAGES_PATH, before + 1, 5_000)
    const mine = texts.slice(before)
    expect(mine).toHaveLength(1)
    const form = new URLSearchParams(mine[0]!.body)
    expect(form.get('From')).toBe(inbox.channelAddress)
    expect(form.get('Body')).toBe('Yes, 10:00 to 16:00.')
    const rows = await settled(t, [ticketId])
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ channel: 'sms', event: 'ticket.reply', state: 'sent' })
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/tickets/${ticketId}`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    const staff = (read.json().messages as Array<{ authorKind: string; delivery: unknown }>).find(
      (m) => m.authorKind === 'staff',
    )
    expect(staff?.delivery).toMatchObject({ state: 'sent', error: null })
    await t.database.db
      .delete(notificationOutbox)
      .where(inArray(notificationOutbox.ticketId, [ticketId]))
  })
})

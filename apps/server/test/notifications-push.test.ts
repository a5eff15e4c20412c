import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notificationOutbox, pushSubscriptions, users } from '../src/db/schema.js'
import { createRule, customerWrites, isolatedInbox, MINUTE } from './automation-support.js'
import {
  LocalHttp,
  PushBrowser,
  signatureVerifies,
  vapidVerifies,
} from './notifications-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf } from './tickets-support.js'

/** Waits (polling the database) until the rows matching `where` left `pending`. */
async function settledRows(
  t: TestApp,
  escalationOrTicket: { ticketId?: string; escalationId?: string },
) {
  const deadline = Date.now() + 20_000
  for (;;) {
    const rows = await t.database.db
      .select()
      .from(notificationOutbox)
      .where(
        escalationOrTicket.ticketId
          ? eq(notificationOutbox.ticketId, escalationOrTicket.ticketId)
          : eq(notificationOutbox.escalationId, escalationOrTicket.escalationId ?? ''),
      )
    const mine = rows.filter((r) => r.channel === 'push')
    if (mine.length > 0 && mine.every((r) => r.state !== 'pending')) return mine
    if (Date.now() > deadline) throw new Error(`still pending: ${JSON.stringify(rows)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe.each(databaseKinds())('[7] Web Push and webhook endpoints on $name', (kind) => {
  const pushService = new LocalHttp()
  const receiver = new LocalHttp()
  const browser = new PushBrowser()
  let t: TestApp

  beforeAll(async () => {
    await Promise.all([pushService.start(), receiver.start()])
    pushService.fallback = { status: 201 }
    t = await startTestApp(kind, {
      config: { ALLOW_PRIVATE_URLS: 'true', PUBLIC_URL: 'https://flare.example.com' },
      notifications: { worker: true },
    })
    await t.app.ready()
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await Promise.all([pushService.stop(), receiver.stop()])
  })

  it('[7.2.6] a firing reaches a subscribed browser as a VAPID-signed, encrypted Web Push', async () => {
    const dana = await cookieOf(t, 'dana@flare.test')
    const key = await t.app.inject({
      method: 'GET',
      url: '/api/push/public-key',
      headers: { cookie: dana },
    })
    expect(key.statusCode).toBe(200)
    const { publicKey } = key.json() as { publicKey: string }
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65)
    // generated once and kept: a second look gives the same key
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/push/public-key',
          headers: { cookie: dana },
        })
      ).json().publicKey,
    ).toBe(publicKey)

    const endpoint = `${pushService.url}/push/dana-browser`
    const subscribed = await t.app.inject({
      method: 'POST',
      url: '/api/me/push-subscriptions',
      headers: { cookie: dana },
      payload: browser.subscription(endpoint),
    })
    expect(subscribed.statusCode).toBe(201)
    const danaId = await t.userId('dana@flare.test')
    const [me] = await t.database.db.select().from(users).where(eq(users.id, danaId))
    expect(me?.preferences.push).toBe(true)

    const inbox = await isolatedInbox(t)
    await createRule(t, {
      inboxId: inbox.id,
      escalateAfterMinutes: 1,
      escalateTo: 'specific_user',
      escalateToUserId: danaId,
      notificationChannels: ['in_app', 'push'],
    })
    const ticketId = await customerWrites(t, inbox, 'Please call me back')
    t.clock.advance(MINUTE)
    await t.app.scheduler.runDue(t.clock.now())
    const [push] = await pushService.waitFor('/push/dana-browser', 1, 15_000)
    const [row] = await settledRows(t, { ticketId })
    expect(row).toMatchObject({ state: 'sent', target: `user:${danaId}` })

    expect(push!.headers['content-encoding']).toBe('aes128gcm')
    expect(push!.headers.ttl).toBe('3600')
    expect(push!.headers.urgency).toBe('high')
    expect(push!.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(vapidVerifies(String(push!.headers.authorization), publicKey, pushService.url)).toBe(
      true,
    )
    const payload = JSON.parse(browser.decrypt(push!.raw))
    expect(payload).toMatchObject({
      kind: 'ticket.escalated',
      url: `https://flare.example.com/t/${ticketId}`,
      firingId: row!.firingId,
      spaceId: t.spaceId,
    })
    expect(payload.title).toMatch(/^Escalated: /)

    // "I'm on it" from the notification: the service worker has only the cookie
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/firings/${payload.firingId}/acknowledge`,
      headers: { cookie: dana },
    })
    expect(ack.statusCode).toBe(200)
    expect(ack.json().acknowledged).toMatchObject({ ticketId, userId: danaId })
    const stranger = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/firings/${payload.firingId}/acknowledge`,
      headers: { cookie: await cookieOf(t, 'gus@flare.test') },
    })
    expect(stranger.statusCode).toBe(403)
  })

  it('[3.11][7.2.6] a red raised hand pushes to its recipients who allowed push', async () => {
    const before = pushService.to('/push/dana-browser').length
    const raised = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/escalations`,
      headers: { cookie: await cookieOf(t, 'eli@flare.test') },
      payload: {
        message: 'Caller is threatening legal action',
        notify: true,
        recipients: {
          userIds: [await t.userId('dana@flare.test'), await t.userId('gus@flare.test')],
          groupIds: [],
        },
      },
    })
    expect(raised.statusCode).toBe(201)
    const escalationId = raised.json().escalation.id as string
    const pushes = await pushService.waitFor('/push/dana-browser', before + 1, 15_000)
    const rows = await settledRows(t, { escalationId })
    // Gus never allowed push: only Dana's browser gets one
    expect(rows.map((r) => r.target)).toEqual([`user:${await t.userId('dana@flare.test')}`])
    const payload = JSON.parse(browser.decrypt(pushes.at(-1)!.raw))
    expect(payload).toMatchObject({
      kind: 'hand.raised',
      title: 'Eli Novak needs help',
      body: 'Caller is threatening legal action',
    })
  })

  it('[7.2.6] a browser the push service says is gone is forgotten', async () => {
    const gus = await cookieOf(t, 'gus@flare.test')
    const other = new PushBrowser()
    await t.app.inject({
      method: 'POST',
      url: '/api/me/push-subscriptions',
      headers: { cookie: gus },
      payload: other.subscription(`${pushService.url}/push/gus-gone`),
    })
    pushService.answers = [{ status: 410 }]
    const inbox = await isolatedInbox(t)
    const gusId = await t.userId('gus@flare.test')
    await createRule(t, {
      inboxId: inbox.id,
      escalateAfterMinutes: 1,
      escalateTo: 'specific_user',
      escalateToUserId: gusId,
      notificationChannels: ['push'],
    })
    const ticketId = await customerWrites(t, inbox)
    t.clock.advance(MINUTE)
    await t.app.scheduler.runDue(t.clock.now())
    const [row] = await settledRows(t, { ticketId })
    expect(row).toMatchObject({ state: 'failed' })
    expect(row!.lastError).toMatch(/unsubscribed/)
    const left = await t.database.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, gusId))
    expect(left).toHaveLength(0)
    const unsubscribe = await t.app.inject({
      method: 'DELETE',
      url: '/api/me/push-subscriptions',
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
      payload: { endpoint: `${pushService.url}/push/dana-browser` },
    })
    expect(unsubscribe.json()).toEqual({ deleted: true })
  })

  it('[7.2.5] webhook endpoints: the secret is shown once, a test ping is signed, admins and managers only', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    receiver.fallback = { status: 200, body: 'thanks' }
    const created = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/webhooks`,
      headers: { cookie: manager },
      payload: { url: `${receiver.url}/hooks/flare`, events: ['ticket.escalated'] },
    })
    expect(created.statusCode).toBe(201)
    const webhook = created.json().webhook as { id: string; secret: string; url: string }
    expect(webhook.secret).toMatch(/^whsec_/)
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/webhooks`,
      headers: { cookie: manager },
    })
    expect(list.json().webhooks).toEqual([
      expect.objectContaining({ id: webhook.id, url: webhook.url, events: ['ticket.escalated'] }),
    ])
    expect(JSON.stringify(list.json())).not.toContain(webhook.secret)

    const ping = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/webhooks/${webhook.id}/test`,
      headers: { cookie: manager },
    })
    expect(ping.json()).toEqual({ delivered: true, status: 200, error: null })
    const [request] = receiver.to('/hooks/flare')
    expect(request!.headers['flare-event']).toBe('ping')
    expect(
      signatureVerifies(webhook.secret, String(request!.headers['flare-signature']), request!.body),
    ).toBe(true)

    receiver.answers = [{ status: 500, body: 'down' }]
    const failing = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/webhooks/${webhook.id}/test`,
      headers: { cookie: manager },
    })
    expect(failing.json()).toMatchObject({ delivered: false, status: 500 })

    const agent = await cookieOf(t, 'dana@flare.test')
    for (const [method, url] of [
      ['GET', `/api/spaces/${t.spaceId}/webhooks`],
      ['DELETE', `/api/spaces/${t.spaceId}/webhooks/${webhook.id}`],
      ['PUT', `/api/spaces/${t.spaceId}/integrations/slack`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: { cookie: agent },
        ...(method === 'PUT' ? { payload: { webhookUrl: `${receiver.url}/slack` } } : {}),
      })
      expect(res.statusCode, `${method} ${url}`).toBe(403)
    }
    const outsider = await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.otherSpace.spaceId}/webhooks/${webhook.id}`,
      headers: { cookie: manager },
    })
    expect(outsider.statusCode).toBe(404)
    const gone = await t.app.inject({
      method: 'DELETE',
      url: `/api/spaces/${t.spaceId}/webhooks/${webhook.id}`,
      headers: { cookie: manager },
    })
    expect(gone.json()).toEqual({ deleted: true })
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/webhooks`,
      headers: { cookie: manager },
      payload: { url: 'ftp://example.com/x', events: ['ticket.exploded'] },
    })
    expect(bad.statusCode).toBe(400)
  })
  it('[7.2.5.1] events other than ticket.escalated go only to endpoints subscribed to them', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    receiver.answers = []
    receiver.fallback = { status: 204 }
    const create = async (path: string, events?: string[]) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/webhooks`,
        headers: { cookie: manager },
        payload: { url: `${receiver.url}${path}`, ...(events ? { events } : {}) },
      })
      expect(res.statusCode).toBe(201)
      return res.json().webhook as { id: string; secret: string; events: string[] }
    }
    const people = await create('/hooks/people', ['hand.raised', 'ticket.acknowledged'])
    const tickets = await create('/hooks/tickets')
    expect(tickets.events).toEqual(['ticket.escalated'])

    // a yellow hand: only the endpoint subscribed to hand.raised hears of it
    const raised = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/escalations`,
      headers: { cookie: await cookieOf(t, 'gus@flare.test') },
      payload: {
        message: 'Second pair of eyes?',
        notify: false,
        recipients: { userIds: [], groupIds: [] },
      },
    })
    expect(raised.statusCode).toBe(201)
    const handId = raised.json().escalation.id as string
    const [hand] = await receiver.waitFor('/hooks/people', 1, 15_000)
    expect(hand!.headers['flare-event']).toBe('hand.raised')
    expect(
      signatureVerifies(people.secret, String(hand!.headers['flare-signature']), hand!.body),
    ).toBe(true)
    expect(JSON.parse(hand!.body)).toMatchObject({
      event: 'hand.raised',
      space: { id: t.spaceId },
      hand: {
        id: handId,
        color: 'yellow',
        message: 'Second pair of eyes?',
        raisedBy: { userId: await t.userId('gus@flare.test'), displayName: 'Gus Okafor' },
      },
    })

    // a firing on the webhook channel: only the endpoint subscribed to ticket.escalated
    const dana = await t.userId('dana@flare.test')
    const inbox = await isolatedInbox(t)
    await createRule(t, {
      inboxId: inbox.id,
      escalateAfterMinutes: 1,
      escalateTo: 'specific_user',
      escalateToUserId: dana,
      notificationChannels: ['in_app', 'webhook'],
    })
    const ticketId = await customerWrites(t, inbox, 'Nobody answers')
    t.clock.advance(MINUTE)
    await t.app.scheduler.runDue(t.clock.now())
    const [escalated] = await receiver.waitFor('/hooks/tickets', 1, 15_000)
    expect(escalated!.headers['flare-event']).toBe('ticket.escalated')
    const firingId = JSON.parse(escalated!.body).escalation.firingId as string

    // "I'm on it", said twice: the subscribed endpoint hears it once, naming the first taker
    for (let i = 0; i < 2; i += 1) {
      const ack = await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/firings/${firingId}/acknowledge`,
        headers: { cookie: await cookieOf(t, 'dana@flare.test') },
      })
      expect(ack.statusCode).toBe(200)
    }
    const calls = await receiver.waitFor('/hooks/people', 2, 15_000)
    const taken = calls[1]!
    expect(taken.headers['flare-event']).toBe('ticket.acknowledged')
    expect(
      signatureVerifies(people.secret, String(taken.headers['flare-signature']), taken.body),
    ).toBe(true)
    expect(JSON.parse(taken.body)).toMatchObject({
      event: 'ticket.acknowledged',
      ticket: { id: ticketId },
      escalation: { firingId, targetUserIds: [dana] },
      acknowledgedBy: { userId: dana, displayName: 'Dana Reyes' },
    })
    await t.app.events.settled()
    await t.app.notifications.runDue()
    expect(receiver.to('/hooks/people')).toHaveLength(2)
    expect(receiver.to('/hooks/tickets')).toHaveLength(1)
    for (const id of [people.id, tickets.id]) {
      await t.app.inject({
        method: 'DELETE',
        url: `/api/spaces/${t.spaceId}/webhooks/${id}`,
        headers: { cookie: manager },
      })
    }
  })
})

import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notificationOutbox, pushSubscriptions } from '../src/db/schema.js'
import { MAX_PUSH_SUBSCRIPTIONS } from '../src/notifications/channels/push.js'
import { LocalHttp, PushBrowser } from './notifications-support.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf } from './tickets-support.js'

// What a member can make of push subscriptions (found in a security review): a flood of
// browsers that never answer held every delivery of the process up for hours, and a known
// endpoint took over someone else's notifications.
describe.each(databaseKinds())('[7.2.6] push subscriptions within bounds on $name', (kind) => {
  const hanging = new LocalHttp()
  const pushService = new LocalHttp()
  const receiver = new LocalHttp()
  let t: TestApp

  beforeAll(async () => {
    await Promise.all([hanging.start(), pushService.start(), receiver.start()])
    hanging.fallback = { status: 201, hang: true }
    pushService.fallback = { status: 201 }
    receiver.fallback = { status: 204 }
    t = await startTestApp(kind, {
      config: { ALLOW_PRIVATE_URLS: 'true', PUBLIC_URL: 'https://flare.example.com' },
      notifications: { worker: true, sendTimeoutMs: 4_000 },
    })
    await t.app.ready()
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await Promise.all([hanging.stop(), pushService.stop(), receiver.stop()])
  })

  function subscribe(cookie: string, browser: PushBrowser, endpoint: string) {
    return t.app.inject({
      method: 'POST',
      url: '/api/me/push-subscriptions',
      headers: { cookie },
      payload: browser.subscription(endpoint),
    })
  }

  async function endpointsOf(email: string): Promise<string[]> {
    const rows = await t.database.db
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, await t.userId(email)))
    return rows.map((r) => r.endpoint).sort()
  }

  it('[7.2.6] a person keeps at most ten browsers: one more forgets the oldest', async () => {
    const eli = await cookieOf(t, 'eli@flare.test')
    const browser = new PushBrowser()
    const endpoints = Array.from(
      { length: MAX_PUSH_SUBSCRIPTIONS + 2 },
      (_, i) => `${pushService.url}/push/eli-${String(i).padStart(2, '0')}`,
    )
    for (const endpoint of endpoints) {
      expect((await subscribe(eli, browser, endpoint)).statusCode).toBe(201)
      t.clock.advance(1_000)
    }
    expect(MAX_PUSH_SUBSCRIPTIONS).toBe(10)
    expect(await endpointsOf('eli@flare.test')).toEqual(endpoints.slice(2))
    // subscribing an old one again makes it the newest: the next one forgets another
    expect((await subscribe(eli, browser, endpoints[2]!)).statusCode).toBe(201)
    t.clock.advance(1_000)
    expect((await subscribe(eli, browser, `${pushService.url}/push/eli-new`)).statusCode).toBe(201)
    const kept = await endpointsOf('eli@flare.test')
    expect(kept).toHaveLength(MAX_PUSH_SUBSCRIPTIONS)
    expect(kept).toContain(endpoints[2])
    expect(kept).not.toContain(endpoints[3])
  })

  it('[7.2.6] an endpoint alone takes over nobody’s notifications; the same browser’s keys do', async () => {
    const dana = await cookieOf(t, 'dana@flare.test')
    const gus = await cookieOf(t, 'gus@flare.test')
    const danasBrowser = new PushBrowser()
    const endpoint = `${pushService.url}/push/shared-desk`
    expect((await subscribe(dana, danasBrowser, endpoint)).statusCode).toBe(201)

    const stolen = await subscribe(gus, new PushBrowser(), endpoint)
    expect(stolen.statusCode).toBe(409)
    expect(stolen.json().error).toMatchObject({ code: 'CONFLICT' })
    expect(await endpointsOf('dana@flare.test')).toContain(endpoint)
    expect(await endpointsOf('gus@flare.test')).not.toContain(endpoint)

    // Gus logs in on the same browser (a shared desk): its subscription, keys and all, is his now
    expect((await subscribe(gus, danasBrowser, endpoint)).statusCode).toBe(201)
    expect(await endpointsOf('gus@flare.test')).toContain(endpoint)
    expect(await endpointsOf('dana@flare.test')).not.toContain(endpoint)
  })

  it('[7.2.6] a push service that never answers holds up nothing queued after it', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const fatima = await cookieOf(t, 'fatima@flare.test')
    const fatimaId = await t.userId('fatima@flare.test')
    expect(
      (await subscribe(fatima, new PushBrowser(), `${hanging.url}/push/fatima`)).statusCode,
    ).toBe(201)
    const hook = await t.app.inject({
      method: 'POST',
      url: `/api/spaces/${t.spaceId}/webhooks`,
      headers: { cookie: manager },
      payload: { url: `${receiver.url}/hooks/hands`, events: ['hand.raised'] },
    })
    expect(hook.statusCode).toBe(201)

    const raise = async (email: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/spaces/${t.spaceId}/escalations`,
        headers: { cookie: await cookieOf(t, email) },
        payload: {
          message: 'Need a hand',
          notify: true,
          recipients: { userIds: [fatimaId], groupIds: [] },
        },
      })
      expect(res.statusCode).toBe(201)
      return res.json().escalation.id as string
    }
    const first = await raise('dana@flare.test')
    // the push to Fatima's browser is out and hangs
    await hanging.waitFor('/push/fatima', 1, 5_000)
    await receiver.waitFor('/hooks/hands', 1, 5_000)

    // a hand raised meanwhile reaches the webhook while that push still hangs
    await raise('eli@flare.test')
    await receiver.waitFor('/hooks/hands', 2, 3_000)
    const [push] = await t.database.db
      .select()
      .from(notificationOutbox)
      .where(
        and(eq(notificationOutbox.escalationId, first), eq(notificationOutbox.channel, 'push')),
      )
    // still leased and nothing recorded: its send is waiting for the push service yet
    expect(push).toMatchObject({ state: 'pending', lastError: null })
    expect(push?.leaseToken).toEqual(expect.any(String))
  })
})

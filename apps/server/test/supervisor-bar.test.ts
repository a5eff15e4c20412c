import type { MetricsResponse } from '@flare/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, customerTexts, onTicket } from './tickets-support.js'

const MINUTE = 60_000

/**
 * The second bar of issue #13: a day built only through the public API (the SMS webhook, the
 * rules and SLA routes, staff replies) and the scheduler, then `GET …/metrics` with a Bearer
 * token answers what was worked out by hand.
 *
 *   customer  texts at  staff's first reply  firings (30-min rule, repeating every 30)
 *   C1        T0        T0 + 10 min          none (answered first)
 *   C2        T0        T0 + 25 min          none
 *   C3        T0        T0 + 40 min          T0 + 30
 *   C4        T0        T0 + 65 min          T0 + 30, T0 + 60 (a repeat)
 *
 *   escalation rate  C3, C4 of 4 tickets             = 2 / 4 = 0.5
 *   repeat rate      C4 of the 2 escalated           = 1 / 2 = 0.5
 *   SLA compliance   20-min first-response target:
 *                    C1 (10) within; C2 (25), C3 (40), C4 (65) late = 1 / 4 = 0.25
 *   time to escalate C3 30 min, C4 30 min            → median 30 min
 */
describe.each(databaseKinds())('the supervisor bar on $name', (kind) => {
  let t: TestApp

  beforeAll(async () => {
    t = await startTestApp(kind)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('[8.2.9] metrics of a scenario built through the public API match the hand-computed figures', async () => {
    const manager = await cookieOf(t, 'manager@flare.test')
    const send = async (method: 'POST' | 'PUT', url: string, payload: object, status: number) => {
      const res = await t.app.inject({ method, url, headers: { cookie: manager }, payload })
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status)
      return res.json()
    }
    const { inbox } = await send(
      'POST',
      `/api/spaces/${t.spaceId}/inboxes`,
      { name: 'Bar inbox', channelAddress: '+15557990000' },
      201,
    )
    await send(
      'PUT',
      `/api/spaces/${t.spaceId}/sla-policies`,
      {
        policies: [
          { priority: 'medium', inboxId: inbox.id, firstResponseMinutes: 20, businessHours: false },
        ],
      },
      200,
    )
    await send(
      'POST',
      '/api/tickets/escalation-rules',
      {
        name: 'Waiting half an hour',
        enabled: true,
        inboxId: inbox.id,
        priority: 'all',
        escalateAfterMinutes: 30,
        repeatEveryMinutes: 30,
        businessHoursOnly: false,
        escalateTo: 'specific_user',
        escalateToUserId: await t.userId('dana@flare.test'),
        notificationChannels: ['in_app'],
      },
      201,
    )

    const start = t.clock.now()
    const customers = ['+15557990001', '+15557990002', '+15557990003', '+15557990004']
    const [c1, c2, c3, c4] = await Promise.all(
      customers.map((phone) => customerTexts(t, inbox, phone, 'Hello, is anyone there?')),
    )
    const at = async (minutes: number) => {
      t.clock.current = new Date(start.getTime() + minutes * MINUTE)
      await t.app.scheduler.runDue(t.clock.now())
    }
    const reply = async (ticketId: string | undefined) => {
      const res = await onTicket(t, ticketId ?? '', 'POST', '/replies', { body: 'Here to help.' })
      expect(res.statusCode, res.body).toBe(201)
    }
    await at(10)
    await reply(c1)
    await at(25)
    await reply(c2)
    await at(30)
    await at(40)
    await reply(c3)
    await at(60)
    await at(65)
    await reply(c4)

    const token = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie: manager },
        payload: { name: 'metrics script' },
      })
    ).json().secret
    const day = start.toISOString().slice(0, 10)
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/metrics?from=${day}&to=${day}&inboxId=${inbox.id}`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.statusCode, res.body).toBe(200)
    const m: MetricsResponse = res.json()
    expect(m.tickets).toBe(4)
    expect(m.escalationRate).toEqual({ value: 0.5, numerator: 2, denominator: 4 })
    expect(m.repeatEscalationRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 })
    expect(m.slaCompliance).toEqual({ value: 0.25, numerator: 1, denominator: 4, pending: 0 })
    expect(m.timeToEscalate).toEqual({ count: 2, medianMs: 30 * MINUTE, p90Ms: 30 * MINUTE })
    // one day: charted by the hour, everything in the hour the customers wrote
    expect(m.period.bucket).toBe('hour')
    const busy = m.series.filter((b) => b.tickets > 0)
    expect(busy.map((b) => [b.tickets, b.escalated, b.repeated, b.slaMet, b.slaMissed])).toEqual([
      [4, 2, 1, 1, 3],
    ])
    expect([c1, c2, c3, c4].every(Boolean)).toBe(true)

    // an agent's token is refused
    const agentToken = (
      await t.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { cookie: await cookieOf(t, 'dana@flare.test') },
        payload: { name: 'curious agent' },
      })
    ).json().secret
    const refused = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/metrics`,
      headers: { authorization: `Bearer ${agentToken}` },
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error.code).toBe('FORBIDDEN')
  })
})

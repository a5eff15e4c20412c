import type { EscalationHistoryEntryDto, MetricsResponse } from '@flare/protocol'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escalationResponses, escalations, groups, tickets } from '../src/db/schema.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, freshInbox } from './tickets-support.js'

const MINUTE = 60_000

/**
 * A small dataset written out by hand, in 2031 so nothing else of the suite falls in it; the
 * test clock stands at 2031-12-10. The demo space's timezone is Europe/London, which is UTC in
 * November: local days are UTC days.
 *
 *   ticket  created (UTC)     inbox priority assignee firings (UTC)          first firing  resolved (after 1st firing)
 *   T1      2031-11-20 09:00  A     medium   dana     09:10                  10 min        09:40 (30 min)
 *   T2      2031-11-20 10:00  A     medium   -        10:30, 11:00 (repeat)  30 min        12:00 (90 min)
 *   T3      2031-11-21 08:00  A     medium   dana     -                      -             09:00 (never escalated)
 *   T4      2031-11-21 12:00  A     urgent   -        13:00                  60 min        open
 *   T5      2031-11-22 23:30  A     medium   -        11-23 00:10            40 min        11-23 01:10 (60 min)
 *   T6      2031-11-19 23:59  A     medium   -        11-20 00:30            (before the period)
 *   T7      2031-11-23 00:00  A     medium   -        -                      (after the period)
 *   T8      2031-11-21 15:00  B     medium   -        15:20                  20 min        open (inbox B)
 *   T9      2031-11-22 12:00  B     high     -        -                      -             open (inbox B)
 *
 *   SLA policies, wall-clock: the space's medium 30 min, urgent 15 min, high 100,000 min to a
 *   first response; inbox B's own medium 10 min (it wins over the space's for B's tickets).
 *
 *   ticket  first staff reply      first-response target                    SLA
 *   T1      +20 min                30                                       met
 *   T2      +45 min                30                                       missed
 *   T3      +30 min                30 (a reply at the target is late)       missed
 *   T4      none, open             15, long past                            missed
 *   T5      none, resolved +100    30 (resolving stops the clock, late)     missed
 *   T8      +12 min                10 (inbox B's own; the space's 30 not)   missed
 *   T9      none, open             100,000 min, not yet reached             pending
 *
 *   hand  raised (UTC)        responses                       to first response
 *   H1    2031-11-20 10:00    approach 10:02, chat 10:05      2 min
 *   H2    2031-11-21 09:00    none                            -
 *   H3    2031-11-22 15:00    chat 15:06                      6 min
 *   H4    2031-11-23 09:00    chat 09:01                      (after the period)
 */
describe.each(databaseKinds())('supervisor metrics on a hand-checked dataset on $name', (kind) => {
  let t: TestApp
  let inboxA = ''
  let inboxB = ''
  let inboxC = ''
  let tier1 = ''

  const at = (iso: string) => new Date(`${iso}Z`)

  async function ticket(input: {
    inboxId: string
    created: string
    firings: string[]
    priority?: 'urgent' | 'medium' | 'high' | 'low'
    assignee?: string | null
    resolved?: string
    /** Minutes from creation to the first staff reply (wall-clock, as the policies count). */
    repliedAfter?: number
  }) {
    const history: EscalationHistoryEntryDto[] = input.firings.map((f, i) => ({
      escalatedAt: at(f).toISOString(),
      ruleId: '00000000-0000-4000-8000-000000000001',
      ruleName: 'Hand-made rule',
      escalatedFrom: null,
      escalatedTo: null,
      escalationType: 'assigned',
      reason: 'written by hand',
      level: i + 1,
    }))
    await t.database.db.insert(tickets).values({
      spaceId: t.spaceId,
      inboxId: input.inboxId,
      subject: `Ticket of ${input.created}`,
      customerPhone: '+15550199',
      status: input.resolved ? 'resolved' : 'open',
      resolvedAt: input.resolved ? at(input.resolved) : null,
      priority: input.priority ?? 'medium',
      assignedToUserId: input.assignee ?? null,
      createdAt: at(input.created),
      updatedAt: at(input.created),
      openSince: at(input.created),
      escalationHistory: history,
      firstEscalatedAt: input.firings[0] ? at(input.firings[0]) : null,
      lastEscalatedAt: input.firings.at(-1) ? at(input.firings.at(-1) ?? '') : null,
      firstResponseAt:
        input.repliedAfter === undefined
          ? null
          : new Date(at(input.created).getTime() + input.repliedAfter * MINUTE),
      firstResponseTime: input.repliedAfter ?? null,
    })
  }

  async function hand(
    raiser: string,
    started: string,
    responses: Array<[string, string, 'approach' | 'chat']>,
  ) {
    const [row] = await t.database.db
      .insert(escalations)
      .values({
        spaceId: t.spaceId,
        raisedBy: await t.userId(raiser),
        message: '',
        color: 'yellow',
        recipientUserIds: [],
        recipientGroupIds: [],
        notifiedUserIds: [],
        startedAt: at(started),
        endedAt: new Date(at(started).getTime() + 30 * MINUTE),
        endReason: 'raiser',
      })
      .returning({ id: escalations.id })
    for (const [who, when, action] of responses) {
      await t.database.db.insert(escalationResponses).values({
        escalationId: row?.id ?? '',
        userId: await t.userId(who),
        action,
        at: at(when),
      })
    }
  }

  async function metrics(query: string, email = 'manager@flare.test'): Promise<MetricsResponse> {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/metrics?${query}`,
      headers: { cookie: await cookieOf(t, email) },
    })
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  beforeAll(async () => {
    t = await startTestApp(kind)
    t.clock.current = new Date('2031-12-10T00:00:00.000Z')
    inboxA = (await freshInbox(t, '+15557310001')).id
    inboxB = (await freshInbox(t, '+15557310002')).id
    inboxC = (await freshInbox(t, '+15557310003')).id
    const policies = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/sla-policies`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: {
        policies: [
          { priority: 'medium', firstResponseMinutes: 30, businessHours: false },
          { priority: 'urgent', firstResponseMinutes: 15, businessHours: false },
          { priority: 'high', firstResponseMinutes: 100_000, businessHours: false },
          { priority: 'medium', inboxId: inboxB, firstResponseMinutes: 10, businessHours: false },
          { priority: 'low', inboxId: inboxC, firstResponseMinutes: 60, businessHours: true },
        ],
      },
    })
    expect(policies.statusCode, policies.body).toBe(200)
    const [group] = await t.database.db.select().from(groups).where(eq(groups.handle, 'tier1'))
    tier1 = group?.id ?? ''
    const dana = await t.userId('dana@flare.test')
    await ticket({
      inboxId: inboxA,
      created: '2031-11-20T09:00',
      firings: ['2031-11-20T09:10'],
      assignee: dana,
      resolved: '2031-11-20T09:40',
      repliedAfter: 20,
    })
    await ticket({
      inboxId: inboxA,
      created: '2031-11-20T10:00',
      firings: ['2031-11-20T10:30', '2031-11-20T11:00'],
      resolved: '2031-11-20T12:00',
      repliedAfter: 45,
    })
    await ticket({
      inboxId: inboxA,
      created: '2031-11-21T08:00',
      firings: [],
      assignee: dana,
      resolved: '2031-11-21T09:00',
      repliedAfter: 30,
    })
    await ticket({
      inboxId: inboxA,
      created: '2031-11-21T12:00',
      firings: ['2031-11-21T13:00'],
      priority: 'urgent',
    })
    await ticket({
      inboxId: inboxA,
      created: '2031-11-22T23:30',
      firings: ['2031-11-23T00:10'],
      resolved: '2031-11-23T01:10',
    })
    await ticket({ inboxId: inboxA, created: '2031-11-19T23:59', firings: ['2031-11-20T00:30'] })
    await ticket({ inboxId: inboxA, created: '2031-11-23T00:00', firings: [] })
    await ticket({
      inboxId: inboxB,
      created: '2031-11-21T15:00',
      firings: ['2031-11-21T15:20'],
      repliedAfter: 12,
    })
    await ticket({ inboxId: inboxB, created: '2031-11-22T12:00', firings: [], priority: 'high' })
    // inbox C, a week later, under business hours (see the SLA test)
    await ticket({
      inboxId: inboxC,
      created: '2031-11-28T16:30',
      firings: [],
      priority: 'low',
      resolved: '2031-12-01T09:20',
    })
    await ticket({ inboxId: inboxC, created: '2031-11-28T16:50', firings: [], priority: 'low' })
    await ticket({
      inboxId: inboxC,
      created: '2031-11-28T16:40',
      firings: [],
      priority: 'low',
      // answered on Saturday: 20 business minutes (16:40–17:00 on Friday)
      repliedAfter: 20,
      resolved: '2031-11-29T10:00',
    })
    await hand('dana@flare.test', '2031-11-20T10:00', [
      ['eli@flare.test', '2031-11-20T10:02', 'approach'],
      ['gus@flare.test', '2031-11-20T10:05', 'chat'],
    ])
    await hand('eli@flare.test', '2031-11-21T09:00', [])
    await hand('manager@flare.test', '2031-11-22T15:00', [
      ['dana@flare.test', '2031-11-22T15:06', 'chat'],
    ])
    await hand('dana@flare.test', '2031-11-23T09:00', [
      ['eli@flare.test', '2031-11-23T09:01', 'chat'],
    ])
  })
  afterAll(async () => {
    await t?.close()
  })

  it('[8.2.1] escalation rate, repeat rate and time to escalate of one inbox, with their counts', async () => {
    const m = await metrics(`from=2031-11-20&to=2031-11-22&inboxId=${inboxA}`)
    expect(m.period).toEqual({
      from: '2031-11-20T00:00:00.000Z',
      to: '2031-11-23T00:00:00.000Z',
      timezone: 'Europe/London',
      bucket: 'day',
    })
    // T1..T5 were created in the period; T6 the evening before, T7 at the first instant after
    expect(m.tickets).toBe(5)
    // T1, T2, T4, T5 fired: 4 of 5
    expect(m.escalationRate).toEqual({ value: 0.8, numerator: 4, denominator: 5 })
    // only T2 fired twice: 1 of the 4 escalated
    expect(m.repeatEscalationRate).toEqual({ value: 0.25, numerator: 1, denominator: 4 })
    // minutes to the first firing: 10, 30, 40, 60 → median (30 + 40) / 2 = 35 min;
    // p90 at rank 0.9 × (4 − 1) = 2.7: 40 + 0.7 × (60 − 40) = 54 min
    expect(m.timeToEscalate).toEqual({ count: 4, medianMs: 35 * MINUTE, p90Ms: 54 * MINUTE })
  })

  it('[8.2.1] resolution time after escalation, over the escalated tickets resolved since', async () => {
    const m = await metrics(`from=2031-11-20&to=2031-11-22&inboxId=${inboxA}`)
    // from the first firing to resolved: T1 30, T2 90 (from its first firing, 10:30), T5 60
    // minutes → median 60; p90 at rank 0.9 × (3 − 1) = 1.8: 60 + 0.8 × (90 − 60) = 84 min.
    // T4 is still open; T3 was resolved but never escalated, so it is in neither
    expect(m.resolutionAfterEscalation).toEqual({
      count: 3,
      medianMs: 60 * MINUTE,
      p90Ms: 84 * MINUTE,
      unresolved: 1,
    })
  })

  it('[8.2.2] the series has one bucket per local day, each with its own counts and median', async () => {
    const m = await metrics(`from=2031-11-20&to=2031-11-22&inboxId=${inboxA}`)
    expect(
      m.series.map((b) => [b.start, b.tickets, b.escalated, b.repeated, b.timeToEscalateMedianMs]),
    ).toEqual([
      // 20th: T1 (10 min) and T2 (30 min, repeated) → median 20 min
      ['2031-11-20T00:00:00.000Z', 2, 2, 1, 20 * MINUTE],
      // 21st: T3 (never) and T4 (60 min)
      ['2031-11-21T00:00:00.000Z', 2, 1, 0, 60 * MINUTE],
      // 22nd: T5 (40 min, fired after midnight: counted with the day it was created)
      ['2031-11-22T00:00:00.000Z', 1, 1, 0, 40 * MINUTE],
    ])
    expect(m.series.at(-1)?.end).toBe('2031-11-23T00:00:00.000Z')
  })

  it('[8.2.3] priority and team narrow the tickets; the whole space counts every inbox', async () => {
    // urgent: T4 alone, escalated after 60 min
    const urgent = await metrics(`from=2031-11-20&to=2031-11-22&inboxId=${inboxA}&priority=urgent`)
    expect(urgent.tickets).toBe(1)
    expect(urgent.escalationRate).toEqual({ value: 1, numerator: 1, denominator: 1 })
    expect(urgent.timeToEscalate).toEqual({ count: 1, medianMs: 60 * MINUTE, p90Ms: 60 * MINUTE })
    // Tier 1 (dana is in it): T1 (escalated) and T3 (not): 1 of 2
    const team = await metrics(`from=2031-11-20&to=2031-11-22&teamId=${tier1}`)
    expect(team.escalationRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 })
    // the whole space adds T8 (20 min) and T9 (never) of inbox B: 5 of 7; times 10, 20, 30,
    // 40, 60 → median 30
    const space = await metrics('from=2031-11-20&to=2031-11-22')
    expect(space.escalationRate).toEqual({ value: 5 / 7, numerator: 5, denominator: 7 })
    expect(space.timeToEscalate.medianMs).toBe(30 * MINUTE)
  })

  it('[8.2.8] SLA compliance: first responses within target, from the policy that applies', async () => {
    const space = await metrics('from=2031-11-20&to=2031-11-22')
    // met: T1; missed: T2, T3, T4, T5, T8; pending: T9 → 1 of 6
    expect(space.slaCompliance).toEqual({ value: 1 / 6, numerator: 1, denominator: 6, pending: 1 })
    expect(space.series.map((b) => [b.slaMet, b.slaMissed])).toEqual([
      [1, 1], // 20th: T1 met, T2 missed
      [0, 3], // 21st: T3, T4, T8 missed
      [0, 1], // 22nd: T5 missed (T9 is pending, in neither)
    ])
    // inbox A alone: T1 of T1..T5
    const a = await metrics(`from=2031-11-20&to=2031-11-22&inboxId=${inboxA}`)
    expect(a.slaCompliance).toEqual({ value: 0.2, numerator: 1, denominator: 5, pending: 0 })
    // urgent: T4 alone, unanswered long past its 15 minutes
    const urgent = await metrics('from=2031-11-20&to=2031-11-22&priority=urgent')
    expect(urgent.slaCompliance).toEqual({ value: 0, numerator: 0, denominator: 1, pending: 0 })
  })

  it('[8.2.8] SLA compliance under business hours, for answers and for tickets nobody answered', async () => {
    // inbox C's low priority: 60 business minutes of Mon–Fri 09:00–17:00 (London). Friday
    // 2031-11-28:
    //   16:30, resolved Monday 09:20 unanswered: 30 + 20 = 50 business minutes → within
    //   16:40, answered after 20 business minutes → within
    //   16:50, never answered: due Monday 09:50, long past → late
    const c = await metrics(`from=2031-11-28&to=2031-11-28&inboxId=${inboxC}`)
    expect(c.slaCompliance).toEqual({ value: 2 / 3, numerator: 2, denominator: 3, pending: 0 })
  })

  it('[8.2.4] raised hands and the time until someone responded', async () => {
    const m = await metrics('from=2031-11-20&to=2031-11-22')
    // H1, H2, H3 were raised in the period (H4 the day after); H1 and H3 got a response
    expect(m.hands.raised).toBe(3)
    expect(m.hands.responded).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 })
    // first responses after 2 min (H1's approach, not its later chat) and 6 min: median 4 min;
    // p90 at rank 0.9 × (2 − 1) = 0.9: 2 + 0.9 × (6 − 2) = 5.6 min
    expect(m.hands.timeToResponse).toEqual({ count: 2, medianMs: 4 * MINUTE, p90Ms: 5.6 * MINUTE })
    expect(m.series.map((b) => [b.handsRaised, b.handsResponded, b.handResponseMedianMs])).toEqual([
      [1, 1, 2 * MINUTE],
      [1, 0, null],
      [1, 1, 6 * MINUTE],
    ])
    // Tier 1 raised H1 (dana) and H2 (eli); the manager's H3 is not theirs
    const team = await metrics(`from=2031-11-20&to=2031-11-22&teamId=${tier1}`)
    expect(team.hands.raised).toBe(2)
    expect(team.hands.timeToResponse).toEqual({ count: 1, medianMs: 2 * MINUTE, p90Ms: 2 * MINUTE })
  })

  it('[8.2.5] two days or less are charted by the hour; instants may bound the period', async () => {
    const m = await metrics(`from=2031-11-20T09:00:00Z&to=2031-11-20T12:00:00Z&inboxId=${inboxA}`)
    expect(m.period.bucket).toBe('hour')
    // 09:00–10:00 holds T1, 10:00–11:00 holds T2, 11:00–12:00 nothing
    expect(m.series.map((b) => [b.start, b.tickets, b.escalated])).toEqual([
      ['2031-11-20T09:00:00.000Z', 1, 1],
      ['2031-11-20T10:00:00.000Z', 1, 1],
      ['2031-11-20T11:00:00.000Z', 0, 0],
    ])
  })

  it('[8.2.6] an empty period answers zeros and nulls, never a division by zero', async () => {
    const m = await metrics('from=2031-01-01&to=2031-01-03')
    expect(m.tickets).toBe(0)
    expect(m.escalationRate).toEqual({ value: null, numerator: 0, denominator: 0 })
    expect(m.repeatEscalationRate).toEqual({ value: null, numerator: 0, denominator: 0 })
    expect(m.timeToEscalate).toEqual({ count: 0, medianMs: null, p90Ms: null })
    expect(m.hands.timeToResponse).toEqual({ count: 0, medianMs: null, p90Ms: null })
    expect(m.series).toHaveLength(3)
  })

  it('[8.2.7] agents are refused; bad periods, inboxes and teams are 400 naming the field', async () => {
    const agent = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.spaceId}/metrics`,
      headers: { cookie: await cookieOf(t, 'dana@flare.test') },
    })
    expect(agent.statusCode).toBe(403)
    const cases: Array<[string, string]> = [
      ['from=2031-11-22&to=2031-11-20', 'from'],
      ['from=2031-02-30', 'from'],
      ['from=2020-01-01&to=2031-01-01', 'to'],
      [`inboxId=${t.otherSpace.spaceId}`, 'inboxId'],
      [`teamId=${inboxA}`, 'teamId'],
      ['priority=soon', 'priority'],
    ]
    for (const [query, field] of cases) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/spaces/${t.spaceId}/metrics?${query}`,
        headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      })
      expect(res.statusCode, query).toBe(400)
      expect(res.json().error.field, query).toBe(field)
    }
    // another space's metrics are not found, as the space does not exist for this member
    const other = await t.app.inject({
      method: 'GET',
      url: `/api/spaces/${t.otherSpace.spaceId}/metrics`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
    })
    expect(other.statusCode).toBe(404)
  })
})

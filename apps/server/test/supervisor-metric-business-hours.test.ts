import type { BusinessCalendar, MetricsResponse, TicketPriority } from '@flare/protocol'
import { computeSla, findSlaPolicy } from '@flare/rules'
import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inboxes as inboxTable, tickets } from '../src/db/schema.js'
import { calendarOf, loadSpaceContext } from '../src/scheduling/due-instants.js'
import { computeMetrics, type MetricsFilter } from '../src/supervisor/metrics.js'
import { type Period, resolvePeriod } from '../src/supervisor/period.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, freshInbox } from './tickets-support.js'

const MINUTE = 60_000
const PRIORITIES: TicketPriority[] = ['urgent', 'high', 'medium', 'low']
const TIMEZONE = 'Europe/London'
// a Friday, 12:00 UTC; British Summer Time ended on Sunday 2031-10-26
const NOW = new Date('2031-10-31T12:00:00.000Z')
const FIRST = new Date('2031-10-13T00:00:00.000Z').getTime()

/** A small deterministic generator (mulberry32): the same dataset on every run. */
function generator(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

// an inbox on a calendar of its own: split shifts, a holiday, across midnight on Saturday
const NIGHT_SHIFT: BusinessCalendar = {
  mode: 'per-day',
  timezone: 'America/New_York',
  days: {
    mon: [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '18:30' },
    ],
    wed: [{ start: '10:00', end: '14:00' }],
    fri: [{ start: '20:00', end: '24:00' }],
    sat: [{ start: '00:00', end: '02:00' }],
  },
  holidays: ['2031-10-27'],
}

/**
 * The SLA verdicts of tickets nobody answered under business-hours targets (SPEC §8.2.8): the
 * metrics settle most of them in SQL between the due instants of 15-minute windows of creation
 * (decision 0010) and hand the rest to the engine. Checked against the engine itself, ticket by
 * ticket, with instants to the microsecond and many of them within a millisecond of the due
 * instant or of the clock, where the SQL bounds must step aside.
 */
describe.each(databaseKinds())('business-hours SLA of unanswered tickets on $name', (kind) => {
  let t: TestApp
  const inboxes: string[] = []
  const random = generator(2029)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

  beforeAll(async () => {
    t = await startTestApp(kind)
    t.clock.current = NOW
    for (const phone of ['+15557330001', '+15557330002', '+15557330003']) {
      inboxes.push((await freshInbox(t, phone)).id)
    }
    await t.database.db
      .update(inboxTable)
      .set({ calendar: NIGHT_SHIFT })
      .where(eq(inboxTable.id, inboxes[2] ?? ''))
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/sla-policies`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: {
        policies: [
          { priority: 'urgent', firstResponseMinutes: 60, businessHours: true },
          { priority: 'high', firstResponseMinutes: 7, businessHours: true },
          { priority: 'medium', firstResponseMinutes: 45, businessHours: false },
          { priority: 'low', firstResponseMinutes: 600, businessHours: true },
          {
            priority: 'medium',
            inboxId: inboxes[1],
            firstResponseMinutes: 90,
            businessHours: true,
          },
        ],
      },
    })
    expect(res.statusCode, res.body).toBe(200)
    // the engine's own due instants, to aim resolutions and the clock at them
    const context = await loadSpaceContext(t.database.db, t.spaceId)
    const dueOf = (inboxId: string, priority: TicketPriority, createdMs: number): number | null => {
      const policy = findSlaPolicy(context.slaPolicies, { inboxId, priority })
      if (!policy?.businessHours || policy.firstResponseMinutes === null) return null
      const sla = computeSla(
        {
          inboxId,
          priority,
          status: 'open',
          createdAt: new Date(createdMs),
          firstResponseAt: null,
          resolvedAt: null,
        },
        policy,
        calendarOf(context, inboxId),
        NOW,
      )
      return sla.targets.find((x) => x.metric === 'first_response')?.dueAt.getTime() ?? null
    }
    const rows: string[] = []
    for (let i = 0; i < 500; i++) {
      const inboxId = pick(inboxes)
      const priority = pick(PRIORITIES)
      // microseconds: the engine reads milliseconds
      const micros = Math.floor(random() * 1000)
      const recent = random() < 0.2
      const createdMs = recent
        ? NOW.getTime() - Math.floor(random() * 3 * 24 * 60 * MINUTE)
        : FIRST + Math.floor(random() * (NOW.getTime() - FIRST))
      const due = dueOf(inboxId, priority, createdMs)
      const finished = random() < 0.55
      const status = finished ? pick(['resolved', 'closed']) : pick(['open', 'on_hold'])
      // resolved: anywhere within three days, or within a millisecond or two of the due
      // instant, or of the clock (a clock that stops in the future has not stopped)
      let resolvedMs: number | null = null
      let resolvedMicros = Math.floor(random() * 1000)
      const aim = random()
      if (finished || random() < 0.1) {
        if (due !== null && aim < 0.35) resolvedMs = due + pick([-2, -1, 0, 0, 1, 2])
        else if (aim < 0.45) resolvedMs = NOW.getTime() + pick([-2, -1, 0, 0, 1, 2])
        else resolvedMs = createdMs + Math.floor(random() * 3 * 24 * 60 * MINUTE)
        if (random() < 0.3) resolvedMicros = pick([0, 1, 500, 999])
      }
      const answered = random() < 0.1
      const at = (ms: number, us: number) =>
        `'${new Date(ms).toISOString()}'::timestamptz + interval '${us} microseconds'`
      rows.push(`('${inboxId}'::uuid, '${priority}'::ticket_priority, '${status}'::ticket_status,
        ${at(createdMs, micros)}, ${resolvedMs === null ? 'null' : at(resolvedMs, resolvedMicros)},
        ${answered ? random() * 200 : 'null'}::float8)`)
    }
    // tickets whose due instant is within a millisecond or two of the clock, still open
    for (const inboxId of inboxes) {
      for (const priority of PRIORITIES) {
        for (let back = 1; back < 600; back += 37) {
          const createdMs = NOW.getTime() - back * MINUTE
          const due = dueOf(inboxId, priority, createdMs)
          if (due === null || Math.abs(due - NOW.getTime()) > 30 * MINUTE) continue
          const shift = NOW.getTime() - due + pick([-2, -1, 0, 1, 2])
          for (const us of [0, 999]) {
            rows.push(`('${inboxId}'::uuid, '${priority}'::ticket_priority, 'open'::ticket_status,
              '${new Date(createdMs + shift).toISOString()}'::timestamptz + interval '${us} microseconds',
              null, null::float8)`)
          }
        }
      }
    }
    await t.database.query(
      sql.raw(`insert into tickets (space_id, inbox_id, subject, priority, status, created_at,
          updated_at, open_since, resolved_at, first_response_time)
        select '${t.spaceId}'::uuid, v.inbox_id, 'Business ticket', v.priority, v.status,
          v.created_at, v.created_at, v.created_at, v.resolved_at, v.first_response_time
        from (values ${rows.join(',\n')})
          as v(inbox_id, priority, status, created_at, resolved_at, first_response_time)`),
    )
  })
  afterAll(async () => {
    await t?.close()
  })

  /** The verdicts the SLA engine gives, ticket by ticket, as the tickets read back now. */
  async function recompute(filter: MetricsFilter, period: Period) {
    const context = await loadSpaceContext(t.database.db, t.spaceId)
    const rows = await t.database.db
      .select({
        inboxId: tickets.inboxId,
        priority: tickets.priority,
        status: tickets.status,
        createdAt: tickets.createdAt,
        resolvedAt: tickets.resolvedAt,
        firstResponseTime: tickets.firstResponseTime,
      })
      .from(tickets)
      .where(inArray(tickets.inboxId, inboxes))
    const totals = { met: 0, missed: 0, pending: 0 }
    const series = period.bounds.slice(0, -1).map(() => ({ met: 0, missed: 0 }))
    for (const r of rows) {
      if (r.createdAt < period.from || r.createdAt >= period.to) continue
      if (filter.inboxId && r.inboxId !== filter.inboxId) continue
      if (filter.priority && r.priority !== filter.priority) continue
      const policy = findSlaPolicy(context.slaPolicies, r)
      const target = policy?.firstResponseMinutes ?? null
      if (!policy || target === null) continue
      let verdict: 'met' | 'missed' | 'pending'
      if (r.firstResponseTime !== null) verdict = r.firstResponseTime < target ? 'met' : 'missed'
      else {
        const first = computeSla(
          { ...r, firstResponseAt: null },
          policy,
          calendarOf(context, r.inboxId),
          NOW,
        ).targets.find((x) => x.metric === 'first_response')
        if (!first) continue
        verdict =
          first.pending && first.state !== 'breached'
            ? 'pending'
            : first.state === 'met'
              ? 'met'
              : 'missed'
      }
      totals[verdict] += 1
      const i = period.bounds.findIndex(
        (b, k) => r.createdAt >= b && r.createdAt < (period.bounds[k + 1] ?? b),
      )
      const bucket = series[i]
      if (bucket && verdict !== 'pending') bucket[verdict] += 1
    }
    return { totals, series }
  }

  function expectAgreement(
    got: MetricsResponse,
    want: Awaited<ReturnType<typeof recompute>>,
  ): void {
    expect([
      got.slaCompliance.numerator,
      got.slaCompliance.denominator - got.slaCompliance.numerator,
      got.slaCompliance.pending,
    ]).toEqual([want.totals.met, want.totals.missed, want.totals.pending])
    expect(got.series.map((b) => [b.slaMet, b.slaMissed])).toEqual(
      want.series.map((b) => [b.met, b.missed]),
    )
  }

  it('[8.2.8] unanswered tickets under business hours get the engine’s verdict, to the millisecond', async () => {
    const periods = [
      resolvePeriod({ from: '2031-10-13', to: '2031-10-31' }, TIMEZONE, NOW),
      resolvePeriod({ from: '2031-10-30', to: '2031-10-31' }, TIMEZONE, NOW),
      resolvePeriod({ from: '2031-10-31', to: '2031-10-31' }, TIMEZONE, NOW),
      resolvePeriod(
        { from: '2031-10-16T10:07:00.000Z', to: '2031-10-29T03:20:00.000Z' },
        TIMEZONE,
        NOW,
      ),
    ]
    const filters: MetricsFilter[] = [
      { spaceId: t.spaceId, inboxId: null, priority: null, teamId: null },
      { spaceId: t.spaceId, inboxId: inboxes[2] ?? null, priority: null, teamId: null },
      { spaceId: t.spaceId, inboxId: inboxes[1] ?? null, priority: 'medium', teamId: null },
      { spaceId: t.spaceId, inboxId: null, priority: 'high', teamId: null },
    ]
    let settled = 0
    for (const period of periods) {
      for (const filter of filters) {
        const got = await computeMetrics(t.database, filter, period, TIMEZONE, NOW)
        const want = await recompute(filter, period)
        expectAgreement(got, want)
        settled += want.totals.met + want.totals.missed + want.totals.pending
      }
    }
    // the dataset exercises every verdict
    expect(settled).toBeGreaterThan(1000)
  })
})

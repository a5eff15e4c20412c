import type { EscalationHistoryEntryDto, MetricsResponse, TicketPriority } from '@flare/protocol'
import { findSlaPolicy } from '@flare/rules'
import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { slaPolicies, tickets } from '../src/db/schema.js'
import { compactMetricCounts } from '../src/supervisor/metric-counts.js'
import { computeMetrics, type MetricsFilter } from '../src/supervisor/metrics.js'
import { type Period, resolvePeriod } from '../src/supervisor/period.js'
import { databaseKinds, startTestApp, type TestApp } from './support.js'
import { cookieOf, freshInbox } from './tickets-support.js'

const MINUTE = 60_000
const PRIORITIES: TicketPriority[] = ['urgent', 'high', 'medium', 'low']
// the demo space's timezone; British Summer Time ends on 2031-10-26 at 01:00 UTC
const TIMEZONE = 'Europe/London'
const NOW = new Date('2031-10-31T12:00:00.000Z')
const FIRST = new Date('2031-10-20T00:00:00.000Z').getTime()

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

interface Row {
  inboxId: string
  priority: TicketPriority
  status: 'open' | 'on_hold' | 'resolved' | 'closed'
  createdAt: Date
  resolvedAt: Date | null
  firstEscalatedAt: Date | null
  escalationCount: number
  firstResponseTime: number | null
}

interface Policy {
  inboxId: string | null
  priority: TicketPriority
  firstResponseMinutes: number | null
}

/** percentile_cont as PostgreSQL defines it: linear between the two nearest ranks. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const at = p * (sorted.length - 1)
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  const low = sorted[lo] ?? 0
  return low + ((sorted[hi] ?? 0) - low) * (at - lo)
}

/**
 * The figures recomputed the plain way, ticket by ticket, from the rows as they are now: what
 * the kept counts and the queries must agree with (wall-clock policies only).
 */
function recompute(rows: Row[], policies: Policy[], filter: MetricsFilter, period: Period) {
  const cohort = rows.filter(
    (r) =>
      r.createdAt >= period.from &&
      r.createdAt < period.to &&
      (!filter.inboxId || r.inboxId === filter.inboxId) &&
      (!filter.priority || r.priority === filter.priority),
  )
  const bucketOf = (r: Row) =>
    period.bounds.findIndex((b, i) => r.createdAt >= b && r.createdAt < (period.bounds[i + 1] ?? b))
  const sla = (r: Row): 'met' | 'missed' | 'pending' | null => {
    const target = findSlaPolicy(policies, r)?.firstResponseMinutes ?? null
    if (target === null) return null
    if (r.firstResponseTime !== null) return r.firstResponseTime < target ? 'met' : 'missed'
    const due = r.createdAt.getTime() + target * MINUTE
    const stop =
      (r.status === 'resolved' || r.status === 'closed') && r.resolvedAt && r.resolvedAt <= NOW
        ? r.resolvedAt.getTime()
        : null
    if (stop !== null) return stop < due ? 'met' : 'missed'
    return NOW.getTime() >= due ? 'missed' : 'pending'
  }
  const escalated = cohort.filter((r) => r.escalationCount > 0)
  const tte = (r: Row) => (r.firstEscalatedAt?.getTime() ?? 0) - r.createdAt.getTime()
  const rae = escalated.flatMap((r) =>
    r.resolvedAt && r.firstEscalatedAt && r.resolvedAt >= r.firstEscalatedAt
      ? [r.resolvedAt.getTime() - r.firstEscalatedAt.getTime()]
      : [],
  )
  const verdicts = cohort.map(sla)
  return {
    tickets: cohort.length,
    escalated: escalated.length,
    repeated: cohort.filter((r) => r.escalationCount > 1).length,
    slaMet: verdicts.filter((v) => v === 'met').length,
    slaMissed: verdicts.filter((v) => v === 'missed').length,
    slaPending: verdicts.filter((v) => v === 'pending').length,
    tteMedian: percentile(escalated.map(tte), 0.5),
    tteP90: percentile(escalated.map(tte), 0.9),
    resolved: rae.length,
    unresolved: escalated.filter((r) => r.resolvedAt === null).length,
    raeMedian: percentile(rae, 0.5),
    raeP90: percentile(rae, 0.9),
    series: period.bounds.slice(0, -1).map((_, i) => {
      const inBucket = cohort.filter((r) => bucketOf(r) === i)
      const verdict = inBucket.map(sla)
      return {
        tickets: inBucket.length,
        escalated: inBucket.filter((r) => r.escalationCount > 0).length,
        repeated: inBucket.filter((r) => r.escalationCount > 1).length,
        slaMet: verdict.filter((v) => v === 'met').length,
        slaMissed: verdict.filter((v) => v === 'missed').length,
        tteMedian: percentile(inBucket.filter((r) => r.escalationCount > 0).map(tte), 0.5),
      }
    }),
  }
}

function close(actual: number | null, expected: number | null): void {
  if (expected === null) expect(actual).toBeNull()
  else expect(actual).toBeCloseTo(expected, 3)
}

function expectAgreement(got: MetricsResponse, want: ReturnType<typeof recompute>): void {
  expect(got.tickets).toBe(want.tickets)
  expect(got.escalationRate.numerator).toBe(want.escalated)
  expect(got.repeatEscalationRate.numerator).toBe(want.repeated)
  expect(got.slaCompliance.numerator).toBe(want.slaMet)
  expect(got.slaCompliance.denominator).toBe(want.slaMet + want.slaMissed)
  expect(got.slaCompliance.pending).toBe(want.slaPending)
  expect(got.timeToEscalate.count).toBe(want.escalated)
  close(got.timeToEscalate.medianMs, want.tteMedian)
  close(got.timeToEscalate.p90Ms, want.tteP90)
  expect(got.resolutionAfterEscalation.count).toBe(want.resolved)
  expect(got.resolutionAfterEscalation.unresolved).toBe(want.unresolved)
  close(got.resolutionAfterEscalation.medianMs, want.raeMedian)
  close(got.resolutionAfterEscalation.p90Ms, want.raeP90)
  expect(got.series).toHaveLength(want.series.length)
  got.series.forEach((bucket, i) => {
    const w = want.series[i]
    expect(
      [bucket.tickets, bucket.escalated, bucket.repeated, bucket.slaMet, bucket.slaMissed],
      `bucket ${bucket.start}`,
    ).toEqual([w?.tickets, w?.escalated, w?.repeated, w?.slaMet, w?.slaMissed])
    close(bucket.timeToEscalateMedianMs, w?.tteMedian ?? null)
  })
}

describe.each(databaseKinds())('metrics kept counts against a recomputation on $name', (kind) => {
  let t: TestApp
  const inboxes: string[] = []
  const random = generator(1013)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

  function history(createdAt: Date, firings: number, from = 0): EscalationHistoryEntryDto[] {
    return Array.from({ length: firings }, (_, i) => ({
      escalatedAt: new Date(createdAt.getTime() + (from + i + 1) * 7 * MINUTE + 123).toISOString(),
      ruleId: '00000000-0000-4000-8000-000000000001',
      ruleName: 'Random rule',
      escalatedFrom: null,
      escalatedTo: null,
      escalationType: 'assigned',
      reason: 'random',
      level: from + i + 1,
    }))
  }

  async function putPolicies(policies: Policy[]): Promise<void> {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/spaces/${t.spaceId}/sla-policies`,
      headers: { cookie: await cookieOf(t, 'manager@flare.test') },
      payload: {
        policies: policies.map((p) => ({
          priority: p.priority,
          ...(p.inboxId ? { inboxId: p.inboxId } : {}),
          firstResponseMinutes: p.firstResponseMinutes,
          businessHours: false,
        })),
      },
    })
    expect(res.statusCode, res.body).toBe(200)
  }

  async function rows(): Promise<Row[]> {
    return t.database.db
      .select({
        inboxId: tickets.inboxId,
        priority: tickets.priority,
        status: tickets.status,
        createdAt: tickets.createdAt,
        resolvedAt: tickets.resolvedAt,
        firstEscalatedAt: tickets.firstEscalatedAt,
        escalationCount: tickets.escalationCount,
        firstResponseTime: tickets.firstResponseTime,
      })
      .from(tickets)
      .where(inArray(tickets.inboxId, inboxes))
  }

  async function policies(): Promise<Policy[]> {
    return t.database.db
      .select({
        inboxId: slaPolicies.inboxId,
        priority: slaPolicies.priority,
        firstResponseMinutes: slaPolicies.firstResponseMinutes,
      })
      .from(slaPolicies)
      .where(eq(slaPolicies.spaceId, t.spaceId))
  }

  /**
   * Every period shape and filter against the recomputation, over a state that held still while
   * they were read: a policy change sets the background recompute off, which rewrites open
   * tickets' first-response times (through the same triggers) while the test reads.
   */
  async function expectAllAgree(): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const [all, policySet] = await Promise.all([rows(), policies()])
      const checks = await figures()
      if (JSON.stringify(await rows()) !== JSON.stringify(all)) continue
      for (const { filter, period, got } of checks) {
        expectAgreement(got, recompute(all, policySet, filter, period))
      }
      return
    }
    throw new Error('the tickets never held still')
  }

  async function figures() {
    const periods = [
      // daily, across the end of summer time (a day of 25 hours)
      resolvePeriod({ from: '2031-10-20', to: '2031-10-31' }, TIMEZONE, NOW),
      // hourly, the 25 hours of that day
      resolvePeriod({ from: '2031-10-26', to: '2031-10-26' }, TIMEZONE, NOW),
      // hourly, two days, and "today" with the clock inside it
      resolvePeriod({ from: '2031-10-25', to: '2031-10-26' }, TIMEZONE, NOW),
      resolvePeriod({ from: '2031-10-31', to: '2031-10-31' }, TIMEZONE, NOW),
      // instants off the quarter hour: counted from the tickets
      resolvePeriod(
        { from: '2031-10-22T10:07:00.000Z', to: '2031-10-27T03:20:00.000Z' },
        TIMEZONE,
        NOW,
      ),
    ]
    expect(periods[1]?.bounds).toHaveLength(26)
    const filters: MetricsFilter[] = [
      { spaceId: t.spaceId, inboxId: null, priority: null, teamId: null },
      { spaceId: t.spaceId, inboxId: inboxes[1] ?? null, priority: null, teamId: null },
      { spaceId: t.spaceId, inboxId: null, priority: 'medium', teamId: null },
      { spaceId: t.spaceId, inboxId: inboxes[2] ?? null, priority: 'low', teamId: null },
    ]
    const checks: Array<{ filter: MetricsFilter; period: Period; got: MetricsResponse }> = []
    for (const period of periods) {
      for (const filter of filters) {
        checks.push({
          filter,
          period,
          got: await computeMetrics(t.database, filter, period, TIMEZONE, NOW),
        })
      }
    }
    return checks
  }

  beforeAll(async () => {
    t = await startTestApp(kind)
    t.clock.current = NOW
    for (const phone of ['+15557320001', '+15557320002', '+15557320003']) {
      inboxes.push((await freshInbox(t, phone)).id)
    }
    await putPolicies([
      { inboxId: null, priority: 'urgent', firstResponseMinutes: 15 },
      { inboxId: null, priority: 'high', firstResponseMinutes: 60 },
      { inboxId: null, priority: 'medium', firstResponseMinutes: 30 },
      { inboxId: inboxes[1] ?? null, priority: 'medium', firstResponseMinutes: 10 },
      { inboxId: inboxes[2] ?? null, priority: 'low', firstResponseMinutes: 45 },
    ])
    const values = Array.from({ length: 400 }, () => {
      // up to the clock, to the millisecond; a few in the last hour, still pending
      const createdAt = new Date(
        random() < 0.05
          ? NOW.getTime() - Math.floor(random() * 60 * MINUTE)
          : FIRST + Math.floor(random() * (NOW.getTime() - FIRST)),
      )
      const firings = random() < 0.35 ? 1 + Math.floor(random() * 3) : 0
      const resolved = random() < 0.6
      const escalationHistory = history(createdAt, firings)
      const answered = random() < 0.75
      return {
        spaceId: t.spaceId,
        inboxId: pick(inboxes),
        subject: 'Random ticket',
        status: resolved
          ? pick(['resolved', 'closed'] as const)
          : pick(['open', 'on_hold'] as const),
        priority: pick(PRIORITIES),
        createdAt,
        updatedAt: createdAt,
        openSince: createdAt,
        escalationHistory,
        firstEscalatedAt: escalationHistory[0] ? new Date(escalationHistory[0].escalatedAt) : null,
        resolvedAt: resolved
          ? new Date(createdAt.getTime() + Math.floor(random() * 300 * MINUTE))
          : null,
        firstResponseTime: answered ? random() * 90 : null,
        firstResponseAt: answered ? new Date(createdAt.getTime() + 30 * MINUTE) : null,
      }
    })
    // one statement for most (the statement-level trigger), one by one for the rest
    await t.database.db.insert(tickets).values(values.slice(0, 300))
    for (const value of values.slice(300)) await t.database.db.insert(tickets).values(value)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('[8.2.9] the kept counts and the queries agree with a recomputation, across a DST change', async () => {
    await expectAllAgree()
    await compactMetricCounts(t.database)
    await expectAllAgree()
  })

  it('[8.2.9] nothing drifts across concurrent changes, reopen and resolve, deletes and folding', async () => {
    const ids = (
      await t.database.db
        .select({ id: tickets.id, createdAt: tickets.createdAt, count: tickets.escalationCount })
        .from(tickets)
        .where(inArray(tickets.inboxId, inboxes))
    ).sort((a, b) => a.id.localeCompare(b.id))
    // every change at once (on PostgreSQL, over the pool's connections), folding meanwhile
    const changes = ids.slice(0, 200).map(async ({ id, createdAt, count }, i) => {
      const set = (values: Partial<typeof tickets.$inferInsert>) =>
        t.database.db.update(tickets).set(values).where(eq(tickets.id, id))
      switch (i % 8) {
        case 0: // reopened
          return set({ status: 'open', resolvedAt: null })
        case 1: // resolved
          return set({
            status: 'resolved',
            resolvedAt: new Date(createdAt.getTime() + 50 * MINUTE),
          })
        case 2: // answered (or answered again later: the first answer is what counts)
          return set({ firstResponseTime: 12.5, firstResponseAt: createdAt })
        case 3: // one more firing
          return t.database.db
            .update(tickets)
            .set({
              escalationHistory: sql`${tickets.escalationHistory} || ${JSON.stringify(history(createdAt, 1, count))}::jsonb`,
              firstEscalatedAt: sql`coalesce(${tickets.firstEscalatedAt}, ${new Date(createdAt.getTime() + (count + 1) * 7 * MINUTE + 123).toISOString()}::timestamptz)`,
            })
            .where(eq(tickets.id, id))
        case 4: // another priority, another inbox
          return set({ priority: pick(PRIORITIES), inboxId: pick(inboxes) })
        case 5:
          return t.database.db.delete(tickets).where(eq(tickets.id, id))
        case 6: // a change the counts do not see
          return set({ subject: 'Renamed', preview: 'hello' })
        default:
          return compactMetricCounts(t.database)
      }
    })
    await Promise.all(changes)
    await expectAllAgree()
    await compactMetricCounts(t.database)
    await expectAllAgree()
    // every delta folded: the deltas table is empty, and folding again changes nothing
    const [left] = await t.database.query<{ n: number }>(
      sql`select count(*)::int as n from ticket_metric_deltas`,
    )
    expect(left?.n).toBe(0)
  })

  it('[8.2.9] a policy change recounts the verdicts of answers given long ago', async () => {
    await putPolicies([
      { inboxId: null, priority: 'urgent', firstResponseMinutes: 5 },
      { inboxId: null, priority: 'low', firstResponseMinutes: 20 },
      { inboxId: inboxes[0] ?? null, priority: 'urgent', firstResponseMinutes: 50 },
    ])
    await expectAllAgree()
    await putPolicies([])
    await expectAllAgree()
  })
})

import {
  type BusinessCalendar,
  type MetricDurations,
  type MetricRatio,
  type MetricsBucket,
  type MetricsResponse,
  TICKET_PRIORITIES,
  type TicketPriority,
} from '@flare/protocol'
import { computeSla, findSlaPolicy, slaTargetDueAt } from '@flare/rules'
import { eq, type SQL, sql } from 'drizzle-orm'
import type { Database } from '../db/database.js'
import { inboxes } from '../db/schema.js'
import { calendarOf, loadSpaceContext, type SpaceContext } from '../scheduling/due-instants.js'
import type { Period } from './period.js'

export interface MetricsFilter {
  spaceId: string
  inboxId: string | null
  priority: TicketPriority | null
  teamId: string | null
}

/** A share with what it was computed from; null when there is nothing to divide. */
export function ratio(numerator: number, denominator: number): MetricRatio {
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator }
}

// to the nanosecond: the instants are microseconds, so this is the exact figure
function nanoseconds(ms: unknown): number {
  return Math.round(Number(ms) * 1e6) / 1e6
}

function durations(count: number, median: unknown, p90: unknown): MetricDurations {
  return {
    count,
    medianMs: count === 0 || median === null ? null : nanoseconds(median),
    p90Ms: count === 0 || p90 === null ? null : nanoseconds(p90),
  }
}

function int(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value)
}

/** `width_bucket`'s thresholds: each bucket's start and the period's end. */
function boundsArray(period: Period): SQL {
  return sql`array[${sql.join(
    period.bounds.map((b) => sql`${b.toISOString()}::timestamptz`),
    sql`, `,
  )}]`
}

/** The tickets of the cohort: created in the period, in the filters' inbox, priority, team. */
function ticketCohort(filter: MetricsFilter, period: Period | { from: SQL; to: SQL }): SQL {
  const bound = (at: Date | SQL) =>
    at instanceof Date ? sql`${at.toISOString()}::timestamptz` : at
  const parts: SQL[] = [
    sql`t.space_id = ${filter.spaceId}::uuid`,
    sql`t.created_at >= ${bound(period.from)}`,
    sql`t.created_at < ${bound(period.to)}`,
  ]
  if (filter.inboxId) parts.push(sql`t.inbox_id = ${filter.inboxId}::uuid`)
  if (filter.priority) parts.push(sql`t.priority = ${filter.priority}`)
  if (filter.teamId) {
    parts.push(
      sql`t.assigned_to_user_id in (select user_id from group_members where group_id = ${filter.teamId}::uuid)`,
    )
  }
  return sql.join(parts, sql` and `)
}

// milliseconds between two instants, as the float percentile_cont sorts: `date_part` on the
// interval is float arithmetic (`extract` is numeric, several times slower over 200,000
// tickets); its rounding error, far below a microsecond, is taken off by `durations`. The
// tickets' two stored durations (`time_to_escalate_ms`, `resolution_after_escalation_ms`) are
// this same expression, kept by the database
function msBetween(from: string, to: string): SQL {
  return sql.raw(`(date_part('epoch', ${to} - ${from}) * 1000)`)
}

interface CountRow extends Record<string, unknown> {
  bucket: number
  tickets: number
  escalated: number
  repeated: number
  sla_met: number
  sla_missed: number
  sla_pending: number
}

interface UnansweredRow extends Record<string, unknown> {
  bucket: number
  inbox_id: string
  priority: TicketPriority
  status: 'open' | 'on_hold' | 'resolved' | 'closed'
  created_at: Date | string
  resolved_at: Date | string | null
}

interface DurationRow extends Record<string, unknown> {
  bucket: number | null
  escalated: number
  tte_median: number | null
  tte_p90: number | null
  resolved: number
  unresolved: number
  rae_median: number | null
  rae_p90: number | null
}

interface HandRow extends Record<string, unknown> {
  bucket: number | null
  raised: number
  responded: number
  ttr_median: number | null
  ttr_p90: number | null
}

/** A `timestamptz[]` as one parameter: thousands of instants are one string, not thousands. */
function instantArray(instants: readonly number[]): SQL {
  return sql`${`{${instants.map((ms) => new Date(ms).toISOString()).join(',')}}`}::timestamptz[]`
}

/**
 * The windows of creation that bound business-hours due instants without the engine (decision
 * 0010): the period cut into at most about 3,000 windows of 15 minutes or more. A later start
 * never falls due earlier, so a ticket created in window k falls due between the due instants
 * of the window's start and end.
 */
interface DueWindows {
  /** `width_bucket`'s thresholds: each window's start and the last one's end (ms epoch). */
  bounds: number[]
  /** `bounds` as a parameter. */
  sql: SQL
}

const MAX_DUE_WINDOWS = 3_000

function dueWindows(period: Period): DueWindows {
  const from = period.from.getTime()
  const span = period.to.getTime() - from
  const width = Math.max(SLOT_MS, Math.ceil(span / MAX_DUE_WINDOWS))
  const count = Math.max(1, Math.ceil(span / width))
  const bounds = Array.from({ length: count + 1 }, (_, k) => from + k * width)
  return { bounds, sql: instantArray(bounds) }
}

/**
 * The first-response target each ticket is held to, as a join of `t` with a small table of
 * (inbox, priority): what the policy the SLA engine would pick says (`findSlaPolicy`: the
 * inbox's own policy for the priority, else the space's). `p.minutes` is the target, null where
 * no policy sets one; `p.business` whether it counts business hours, and then `p.dues` the row
 * of `dues` (one per calendar and target, a parameter sent once) holding the due instant of a
 * clock started at each of the windows' bounds: null when the filters rule the row out, or the
 * calendar cannot say. A join, not a CASE per ticket: each ticket meets its target once, in a
 * hash lookup.
 */
function firstResponseTargets(
  context: SpaceContext,
  inboxIds: readonly string[],
  filter: MetricsFilter,
  windows: DueWindows,
): { join: SQL; dues: SQL } {
  const rows: SQL[] = []
  // inboxes without a calendar of their own share the space's: one row per calendar and target
  const dueRows: string[] = []
  const rowOf = new Map<BusinessCalendar, Map<number, number | null>>()
  const duesFor = (calendar: BusinessCalendar, minutes: number): number | null => {
    let byMinutes = rowOf.get(calendar)
    if (!byMinutes) {
      byMinutes = new Map()
      rowOf.set(calendar, byMinutes)
    }
    let row = byMinutes.get(minutes)
    if (row === undefined) {
      try {
        const dues = windows.bounds.map((b) => new Date(slaTargetDueAt(calendar, b, minutes)))
        dueRows.push(`{${dues.map((d) => d.toISOString()).join(',')}}`)
        row = dueRows.length
      } catch {
        // a calendar the engine refuses (no working hours): its tickets go to the engine
        row = null
      }
      byMinutes.set(minutes, row)
    }
    return row
  }
  for (const inboxId of inboxIds) {
    for (const priority of TICKET_PRIORITIES) {
      const policy = findSlaPolicy(context.slaPolicies, { inboxId, priority })
      if (policy?.firstResponseMinutes == null) continue
      const wanted =
        policy.businessHours &&
        (filter.inboxId === null || filter.inboxId === inboxId) &&
        (filter.priority === null || filter.priority === priority)
      const row = wanted ? duesFor(calendarOf(context, inboxId), policy.firstResponseMinutes) : null
      rows.push(
        sql`(${inboxId}::uuid, ${priority}::ticket_priority, ${policy.firstResponseMinutes}::float8, ${policy.businessHours}::boolean, ${row}::int)`,
      )
    }
  }
  const dues =
    dueRows.length === 0
      ? sql`null::timestamptz[]`
      : sql`${`{${dueRows.join(',')}}`}::timestamptz[]`
  if (rows.length === 0)
    return {
      join: sql`left join (select null::float8 as minutes, false as business, null::int as dues) p on false`,
      dues,
    }
  return {
    join: sql`left join (values ${sql.join(rows, sql`, `)}) as p(inbox_id, priority, minutes, business, dues)
    on p.inbox_id = t.inbox_id and p.priority = t.priority`,
    dues,
  }
}

/** The kept counts' slot (`ticket_metric_counts`): every timezone's hours start on one. */
const SLOT_MS = 15 * 60_000

/**
 * Whether the kept counts answer this request: they have no assignee, and each bucket must be
 * whole slots (a period bounded by an instant off the quarter hour is counted from the tickets).
 */
function countsKeptFor(filter: MetricsFilter, period: Period): boolean {
  return filter.teamId === null && period.bounds.every((b) => b.getTime() % SLOT_MS === 0)
}

/**
 * The kept counts of the period per bucket, answered tickets' SLA verdicts included: the
 * compacted counts and the deltas not folded in yet, in one statement so a compaction running
 * meanwhile is seen wholly or not at all.
 */
function keptCounts(filter: MetricsFilter, period: Period): SQL {
  const where = (table: string): SQL => {
    const parts: SQL[] = [
      sql`space_id = ${filter.spaceId}::uuid`,
      sql`slot >= ${period.from.toISOString()}::timestamptz`,
      sql`slot < ${period.to.toISOString()}::timestamptz`,
    ]
    if (filter.inboxId) parts.push(sql`inbox_id = ${filter.inboxId}::uuid`)
    if (filter.priority) parts.push(sql`priority = ${filter.priority}`)
    return sql`select slot, tickets, escalated, repeated, sla_met, sla_missed
      from ${sql.raw(table)} where ${sql.join(parts, sql` and `)}`
  }
  return sql`
    select width_bucket(c.slot, ${boundsArray(period)}) as bucket,
      sum(c.tickets)::int as tickets, sum(c.escalated)::int as escalated,
      sum(c.repeated)::int as repeated, sum(c.sla_met)::int as sla_met,
      sum(c.sla_missed)::int as sla_missed, 0 as sla_pending
    from (${where('ticket_metric_counts')} union all ${where('ticket_metric_deltas')}) c
    group by 1`
}

/**
 * The planner settings of the metrics queries: they scan many index entries once and never
 * repeat, so compiling them (JIT) costs more than it saves; and the index pages they read are
 * as cheap as the table's (they are cached), which makes the index-only scans the planner's
 * choice over a scan of the wide table. The percentiles sort up to a few hundred thousand
 * durations: 64 MB keeps that sort in memory (the default 4 MB spills it to disk).
 */
const SCAN_SETTINGS = { jit: 'off', random_page_cost: '1.1', work_mem: '64MB' } as const

/**
 * The supervisor's figures over a period (SPEC §8.2, decision 0010), in statements that run
 * side by side on PostgreSQL:
 *
 * - the counts per bucket from `ticket_metric_counts` and its deltas (kept by triggers), plus
 *   the unanswered tickets counted live (`tickets_unanswered_metrics_idx`); for a team, or a
 *   period bounded off the quarter hour, every ticket of the cohort (`tickets_metrics_idx`);
 * - the exact durations over the escalated tickets only, stored on the ticket and read from
 *   `tickets_escalated_durations_idx` (a partial index): overall in one sort of floats, each
 *   bucket's median over its own index range;
 * - the raised hands of the period and their first responses.
 */
export async function computeMetrics(
  database: Database,
  filter: MetricsFilter,
  period: Period,
  timezone: string,
  now: Date,
): Promise<MetricsResponse> {
  const [context, inboxRows] = await Promise.all([
    loadSpaceContext(database.db, filter.spaceId),
    database.db.select({ id: inboxes.id }).from(inboxes).where(eq(inboxes.spaceId, filter.spaceId)),
  ])
  const windows = dueWindows(period)
  const { join, dues } = firstResponseTargets(
    context,
    inboxRows.map((r) => r.id),
    filter,
    windows,
  )
  // the due instants are one parameter, read through a one-row join
  const targets = sql`${join} cross join (select ${dues} as instants) due`
  const target = sql`p.minutes`
  const at = sql`${now.toISOString()}::timestamptz`
  // a wall-clock first-response target falls due at creation + target: settled in SQL
  const due = sql`(t.created_at + ${target} * interval '1 minute')`
  const stop = sql`(case when t.status in ('resolved', 'closed') and t.resolved_at <= ${at} then t.resolved_at end)`
  // The verdicts as SQL over `frt`, the ticket's first-response time: `null` in a statement
  // whose WHERE keeps only tickets nobody answered, so it reads nothing the unanswered index
  // lacks (first_response_time is only its predicate) and stays an index-only scan.
  const window = sql`width_bucket(t.created_at, ${windows.sql})`
  const ms = sql`interval '1 millisecond'`
  const verdicts = (frt: SQL) => {
    const wallClockUnanswered = sql`${frt} is null and ${target} is not null and not p.business`
    // A business-hours target falls due between the due instants of its window's start and end
    // (`due.instants[p.dues][w]`, `[w + 1]`): every ticket whose verdict those bounds already give is
    // settled in SQL, the few in between by the engine. The engine reads instants to the
    // millisecond and these are microseconds, so each comparison keeps a millisecond to spare;
    // whether the clock stopped (resolved by now) is decided the same way.
    const businessUnanswered = sql`${frt} is null and ${target} is not null and p.business`
    const earliestDue = sql`due.instants[p.dues][${window}]`
    const latestDue = sql`due.instants[p.dues][${window} + 1]`
    const stopped = sql`(t.status in ('resolved', 'closed') and t.resolved_at <= ${at} - ${ms})`
    const running = sql`(t.status not in ('resolved', 'closed') or t.resolved_at is null or t.resolved_at > ${at} + ${ms})`
    return {
      met: sql`(${frt} < ${target} or (${wallClockUnanswered} and ${stop} < ${due})
        or (${businessUnanswered} and ${stopped} and t.resolved_at <= ${earliestDue} - ${ms}))`,
      missed: sql`(${frt} >= ${target} or (${wallClockUnanswered} and coalesce(${stop}, ${at}) >= ${due})
        or (${businessUnanswered} and ((${stopped} and t.resolved_at >= ${latestDue} + ${ms})
          or (${running} and ${at} >= ${latestDue}))))`,
      pending: sql`((${wallClockUnanswered} and ${stop} is null and ${at} < ${due})
        or (${businessUnanswered} and ${running} and ${at} < ${earliestDue}))`,
      businessUnanswered,
    }
  }
  const bounds = boundsArray(period)
  const cohort = ticketCohort(filter, period)
  const bucketOf = sql`width_bucket(t.created_at, ${bounds})`

  // answered tickets, and all the plain counts, come from the counts the triggers keep; what
  // depends on the clock (tickets nobody answered) is counted from the tickets at every request
  const fromCounts = countsKeptFor(filter, period)
  const liveCounts = fromCounts
    ? sql`0 as tickets, 0 as escalated, 0 as repeated`
    : sql`count(*)::int as tickets,
      count(*) filter (where t.escalation_count > 0)::int as escalated,
      count(*) filter (where t.escalation_count > 1)::int as repeated`
  const liveCohort = fromCounts ? sql`${cohort} and t.first_response_time is null` : cohort
  const live = verdicts(fromCounts ? sql`null::float8` : sql`t.first_response_time`)
  const ticketsQuery = database.query<CountRow>(
    sql`
    select ${bucketOf} as bucket,
      ${liveCounts},
      count(*) filter (where ${live.met})::int as sla_met,
      count(*) filter (where ${live.missed})::int as sla_missed,
      count(*) filter (where ${live.pending})::int as sla_pending
    from tickets t ${targets}
    where ${liveCohort}
    group by 1`,
    SCAN_SETTINGS,
  )
  const countsQuery = fromCounts
    ? Promise.all([ticketsQuery, database.query<CountRow>(keptCounts(filter, period))]).then(
        ([live, kept]) => [...live, ...kept],
      )
    : ticketsQuery

  // tickets nobody answered (yet, or before resolving them) under a business-hours target
  // whose window's bounds do not settle them: the SLA engine itself settles these few
  const unsettled = verdicts(sql`null::float8`)
  const unansweredQuery = database.query<UnansweredRow>(
    sql`
    select ${bucketOf} as bucket, t.inbox_id, t.priority, t.status, t.created_at, t.resolved_at
    from tickets t ${targets}
    where ${cohort} and t.first_response_time is null and ${unsettled.businessUnanswered}
      and not coalesce(${unsettled.met} or ${unsettled.missed} or ${unsettled.pending}, false)`,
    SCAN_SETTINGS,
  )

  // the overall durations sort every escalated ticket of the period once; the buckets' medians
  // are one small sort per bucket over its own index range, so no sort of the whole period by
  // bucket comes first (on PostgreSQL the two statements run side by side)
  const durationsQuery = database.query<DurationRow>(
    sql`
    select null::int as bucket,
      count(*)::int as escalated,
      percentile_cont(0.5) within group (order by x.tte) as tte_median,
      percentile_cont(0.9) within group (order by x.tte) as tte_p90,
      count(x.rae)::int as resolved,
      count(*) filter (where x.unresolved)::int as unresolved,
      percentile_cont(0.5) within group (order by x.rae) as rae_median,
      percentile_cont(0.9) within group (order by x.rae) as rae_p90
    from (
      select t.time_to_escalate_ms as tte, t.resolution_after_escalation_ms as rae,
        t.resolved_at is null as unresolved
      from tickets t
      where ${cohort} and t.first_escalated_at is not null
    ) x`,
    SCAN_SETTINGS,
  )
  const starts = sql`array[${sql.join(
    period.bounds.slice(0, -1).map((b) => sql`${b.toISOString()}::timestamptz`),
    sql`, `,
  )}]`
  const ends = sql`array[${sql.join(
    period.bounds.slice(1).map((b) => sql`${b.toISOString()}::timestamptz`),
    sql`, `,
  )}]`
  const bucketMediansQuery = database.query<{ bucket: number; tte_median: number | null }>(
    sql`
    select b.bucket, m.tte_median
    from unnest(${starts}, ${ends}) with ordinality as b(start_at, end_at, bucket)
    cross join lateral (
      select percentile_cont(0.5) within group (order by t.time_to_escalate_ms) as tte_median
      from tickets t
      where ${ticketCohort(filter, { from: sql`b.start_at`, to: sql`b.end_at` })}
        and t.first_escalated_at is not null
    ) m`,
    SCAN_SETTINGS,
  )

  const handFilters: SQL[] = [
    sql`e.space_id = ${filter.spaceId}::uuid`,
    sql`e.started_at >= ${period.from.toISOString()}::timestamptz`,
    sql`e.started_at < ${period.to.toISOString()}::timestamptz`,
  ]
  if (filter.teamId) {
    handFilters.push(
      sql`e.raised_by in (select user_id from group_members where group_id = ${filter.teamId}::uuid)`,
    )
  }
  const ttr = msBetween('e.started_at', 'r.first_at')
  const handsQuery = database.query<HandRow>(
    sql`
    select x.bucket,
      count(*)::int as raised,
      count(x.ttr)::int as responded,
      percentile_cont(0.5) within group (order by x.ttr) as ttr_median,
      percentile_cont(0.9) within group (order by x.ttr) as ttr_p90
    from (
      select width_bucket(e.started_at, ${bounds}) as bucket, ${ttr} as ttr
      from escalations e
      left join lateral (
        select min(x.at) as first_at from escalation_responses x where x.escalation_id = e.id
      ) r on true
      where ${sql.join(handFilters, sql` and `)}
    ) x
    group by grouping sets ((x.bucket), ())`,
    SCAN_SETTINGS,
  )

  const [counts, durationRows, bucketMedians, handRows, unanswered] = await Promise.all([
    countsQuery,
    durationsQuery,
    bucketMediansQuery,
    handsQuery,
    unansweredQuery,
  ])

  const series: MetricsBucket[] = period.bounds.slice(0, -1).map((start, i) => ({
    start: start.toISOString(),
    end: (period.bounds[i + 1] ?? period.to).toISOString(),
    tickets: 0,
    escalated: 0,
    repeated: 0,
    timeToEscalateMedianMs: null,
    slaMet: 0,
    slaMissed: 0,
    handsRaised: 0,
    handsResponded: 0,
    handResponseMedianMs: null,
  }))
  // width_bucket numbers the buckets from 1
  const bucketAt = (bucket: unknown) => series[int(bucket) - 1]

  const totals = { tickets: 0, escalated: 0, repeated: 0, slaMet: 0, slaMissed: 0, slaPending: 0 }
  for (const row of counts) {
    const bucket = bucketAt(row.bucket)
    if (!bucket) continue
    // a bucket may have a row of kept counts and one counted live
    bucket.tickets += int(row.tickets)
    bucket.escalated += int(row.escalated)
    bucket.repeated += int(row.repeated)
    bucket.slaMet += int(row.sla_met)
    bucket.slaMissed += int(row.sla_missed)
    totals.tickets += int(row.tickets)
    totals.escalated += int(row.escalated)
    totals.repeated += int(row.repeated)
    totals.slaMet += int(row.sla_met)
    totals.slaMissed += int(row.sla_missed)
    totals.slaPending += int(row.sla_pending)
  }
  for (const row of unanswered) {
    const ticket = {
      inboxId: row.inbox_id,
      status: row.status,
      priority: row.priority,
      createdAt: new Date(row.created_at),
      firstResponseAt: null,
      resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
    }
    const sla = computeSla(
      ticket,
      findSlaPolicy(context.slaPolicies, ticket),
      calendarOf(context, row.inbox_id),
      now,
    )
    const first = sla.targets.find((x) => x.metric === 'first_response')
    const bucket = bucketAt(row.bucket)
    if (!first || !bucket) continue
    if (first.pending && first.state !== 'breached') totals.slaPending += 1
    else if (first.state === 'met') {
      bucket.slaMet += 1
      totals.slaMet += 1
    } else {
      bucket.slaMissed += 1
      totals.slaMissed += 1
    }
  }

  let timeToEscalate = durations(0, null, null)
  let resolutionAfterEscalation: MetricsResponse['resolutionAfterEscalation'] = {
    ...durations(0, null, null),
    unresolved: 0,
  }
  for (const row of durationRows) {
    if (row.bucket === null) {
      timeToEscalate = durations(int(row.escalated), row.tte_median, row.tte_p90)
      resolutionAfterEscalation = {
        ...durations(int(row.resolved), row.rae_median, row.rae_p90),
        unresolved: int(row.unresolved),
      }
    }
  }
  for (const row of bucketMedians) {
    const bucket = bucketAt(row.bucket)
    if (bucket) bucket.timeToEscalateMedianMs = durations(1, row.tte_median, null).medianMs
  }

  let hands: MetricsResponse['hands'] = {
    raised: 0,
    responded: ratio(0, 0),
    timeToResponse: durations(0, null, null),
  }
  for (const row of handRows) {
    const raised = int(row.raised)
    const responded = int(row.responded)
    if (row.bucket === null) {
      hands = {
        raised,
        responded: ratio(responded, raised),
        timeToResponse: durations(responded, row.ttr_median, row.ttr_p90),
      }
      continue
    }
    const bucket = bucketAt(row.bucket)
    if (!bucket) continue
    bucket.handsRaised = raised
    bucket.handsResponded = responded
    bucket.handResponseMedianMs = durations(responded, row.ttr_median, null).medianMs
  }

  return {
    period: {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      timezone,
      bucket: period.bucket,
    },
    filters: { inboxId: filter.inboxId, priority: filter.priority, teamId: filter.teamId },
    tickets: totals.tickets,
    escalationRate: ratio(totals.escalated, totals.tickets),
    timeToEscalate,
    resolutionAfterEscalation,
    repeatEscalationRate: ratio(totals.repeated, totals.escalated),
    slaCompliance: {
      ...ratio(totals.slaMet, totals.slaMet + totals.slaMissed),
      pending: totals.slaPending,
    },
    hands,
    series,
  }
}

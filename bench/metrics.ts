// `npm run bench:metrics`: the supervisor's metrics over 1,000,000 tickets (SPEC §8.2, issue
// #13: within 500 ms). Seeds one space with BENCH_METRICS_TICKETS tickets (default 1,000,000)
// over the last 30 days with generate_series (a fifth escalated, a third of those twice, most
// resolved and answered, SLA policies on business hours and wall-clock), then times in one run:
//   1. `GET …/metrics` for the whole 30 days as the server computes it (`computeMetrics`:
//      index-only scans of two indexes, three queries side by side);
//   2. the same figures from a naive query that aggregates the firings table per ticket, as a
//      first implementation without the tickets' first-firing and count columns would;
//   3. one inbox's "today", by the hour.
// It needs a PostgreSQL where the user may CREATE DATABASE: DATABASE_URL or TEST_DATABASE_URL,
// else postgres://postgres@127.0.0.1:5432/postgres. It creates its own database and drops it.
// It prints figures and never asserts on timing. Run it niced: `nice -n 10 npm run bench:metrics`.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { eq, sql } from 'drizzle-orm'
import postgres from 'postgres'
import { type Database, openDatabase } from '../apps/server/src/db/database.js'
import { inboxes, memberships, slaPolicies, spaces } from '../apps/server/src/db/schema.js'
import { seedDemo } from '../apps/server/src/demo/seed.js'
import { compactMetricCounts } from '../apps/server/src/supervisor/metric-counts.js'
import { computeMetrics, type MetricsFilter } from '../apps/server/src/supervisor/metrics.js'
import { localDateOf, type Period, resolvePeriod } from '../apps/server/src/supervisor/period.js'

const TICKETS = Number(process.env.BENCH_METRICS_TICKETS ?? 1_000_000)
const CHUNK = 100_000
const DAYS = 30
const RUNS = 5
const NAIVE_RUNS = 3
const TARGET_MS = 500

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

async function time<T>(task: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now()
  const value = await task()
  return { ms: performance.now() - started, value }
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`

async function seed(database: Database, now: Date): Promise<{ spaceId: string; inboxId: string }> {
  await seedDemo(database)
  const db = database.db
  const [space] = await db.select({ id: spaces.id }).from(spaces)
  if (!space) throw new Error('no demo space')
  const [first] = await db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(eq(inboxes.spaceId, space.id))
  if (!first) throw new Error('no demo inbox')
  const more = await db
    .insert(inboxes)
    .values(['Email', 'Chat', 'VIP'].map((name) => ({ spaceId: space.id, name: `Bench ${name}` })))
    .returning({ id: inboxes.id })
  const inboxIds = [first.id, ...more.map((r) => r.id)]
  const members = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(eq(memberships.spaceId, space.id))
  await db.insert(slaPolicies).values([
    { spaceId: space.id, priority: 'urgent', firstResponseMinutes: 60, businessHours: true },
    { spaceId: space.id, priority: 'high', firstResponseMinutes: 120, businessHours: true },
    { spaceId: space.id, priority: 'medium', firstResponseMinutes: 45, businessHours: false },
    { spaceId: space.id, priority: 'low', firstResponseMinutes: 480, businessHours: false },
  ])
  // every value below is the benchmark's own (ids, numbers): the statement is written out whole
  const inboxArray = `array[${inboxIds.map((id) => `'${id}'::uuid`).join(',')}]`
  const userArray = `array[${members.map((m) => `'${m.userId}'::uuid`).join(',')}]`
  const spanSeconds = (DAYS * 86_400) / TICKETS
  const ruleId = '00000000-0000-4000-8000-0000000000be'
  const created = `('${now.toISOString()}'::timestamptz - g * interval '${spanSeconds} seconds')`
  const firstFiring = `(${created} + (30 + g % 97) * interval '1 minute')`
  const entry = (at: string, level: number) =>
    `jsonb_build_object('escalatedAt', to_char((${at}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'ruleId', '${ruleId}', 'ruleName', 'Bench rule', 'escalatedFrom', null, 'escalatedTo', null,
      'escalationType', 'assigned', 'reason', 'bench', 'level', ${level})`
  // a fifth escalated (a third of those twice), 80 % resolved, 99 % answered (the rest half
  // resolved without an answer, half still open)
  const resolved = 'g % 10 < 8 and g % 200 <> 100'
  for (let offset = 0; offset < TICKETS; offset += CHUNK) {
    const last = Math.min(TICKETS, offset + CHUNK)
    await database.query(
      sql.raw(`
      insert into tickets (space_id, inbox_id, subject, customer_phone, status, priority,
        assigned_to_user_id, created_at, updated_at, open_since, escalation_history,
        first_escalated_at, last_escalated_at, resolved_at, first_response_at, first_response_time)
      select '${space.id}'::uuid,
        (${inboxArray})[1 + g % ${inboxIds.length}],
        'Bench ticket ' || g,
        '+1555' || lpad((g % 10000000)::text, 7, '0'),
        (case when ${resolved} then 'resolved' else 'open' end)::ticket_status,
        (array['urgent', 'high', 'medium', 'low'])[1 + g % 4]::ticket_priority,
        case when g % 7 = 0 then null else (${userArray})[1 + g % ${members.length}] end,
        ${created}, ${created}, ${created},
        case
          when g % 15 = 0 then jsonb_build_array(${entry(firstFiring, 1)},
            ${entry(`${firstFiring} + interval '30 minutes'`, 2)})
          when g % 5 = 0 then jsonb_build_array(${entry(firstFiring, 1)})
          else '[]'::jsonb
        end,
        case when g % 5 = 0 then ${firstFiring} end,
        case when g % 15 = 0 then ${firstFiring} + interval '30 minutes'
          when g % 5 = 0 then ${firstFiring} end,
        case when ${resolved} then ${created} + (60 + g % 301) * interval '1 minute' end,
        case when g % 100 <> 0 then ${created} + (g % 90) * interval '1 minute' end,
        case when g % 100 <> 0 then (g % 90)::float8 end
      from generate_series(${offset + 1}, ${last}) as g`),
    )
    process.stdout.write(`  ${last.toLocaleString('en')} tickets\n`)
  }
  // the firings table, as the scheduler writes it: what the naive query aggregates
  await database.query(sql`
    insert into escalation_firings (space_id, ticket_id, rule_id, level, escalated_at, target_user_ids)
    select t.space_id, t.id, ${ruleId}::uuid, e.n::int, (e.v->>'escalatedAt')::timestamptz, '[]'::jsonb
    from tickets t, jsonb_array_elements(t.escalation_history) with ordinality as e(v, n)
    where t.space_id = ${space.id}::uuid`)
  return { spaceId: space.id, inboxId: first.id }
}

/**
 * CPU time (ms) the database's backends of this benchmark have used so far, from /proc (the
 * server runs on this machine). Time spent waiting for a core on a busy machine is not in it.
 */
async function backendCpuMs(database: Database): Promise<number> {
  const rows = await database.query<{ pid: number }>(
    sql`select pid from pg_stat_activity where datname = current_database()`,
  )
  let ticks = 0
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // a backend that ended meanwhile
    }
  }
  // the kernel counts in clock ticks of 10 ms (USER_HZ 100)
  return ticks * 10
}

/** The same figures without the tickets' first-firing and count columns: firings per ticket. */
function naiveQuery(spaceId: string, filter: Case['filter'], period: Period, timezone: string) {
  const narrow = [
    filter.inboxId ? sql` and t.inbox_id = ${filter.inboxId}::uuid` : sql``,
    filter.priority ? sql` and t.priority = ${filter.priority}` : sql``,
  ]
  return sql`
    with per_ticket as (
      select f.ticket_id, count(*) as firings, min(f.escalated_at) as first_at
      from escalation_firings f group by f.ticket_id
    )
    select date_trunc(${period.bucket}, t.created_at at time zone ${timezone}) as bucket,
      count(*) as tickets,
      count(p.ticket_id) as escalated,
      count(*) filter (where p.firings > 1) as repeated,
      percentile_cont(0.5) within group (order by extract(epoch from p.first_at - t.created_at))
        filter (where p.ticket_id is not null) as tte_median,
      percentile_cont(0.9) within group (order by extract(epoch from p.first_at - t.created_at))
        filter (where p.ticket_id is not null) as tte_p90,
      percentile_cont(0.5) within group (order by extract(epoch from t.resolved_at - p.first_at))
        filter (where t.resolved_at >= p.first_at) as rae_median,
      count(*) filter (where t.first_response_at - t.created_at < interval '45 minutes') as sla_met
    from tickets t left join per_ticket p on p.ticket_id = t.id
    where t.space_id = ${spaceId}::uuid and t.created_at >= ${period.from.toISOString()}::timestamptz
      and t.created_at < ${period.to.toISOString()}::timestamptz ${sql.join(narrow, sql``)}
    group by grouping sets ((1), ())`
}

/**
 * What one metrics request costs in CPU, database and server together, with parallel workers
 * off so every backend's time is counted: on an idle machine, about the time it takes on one
 * core. Measured on a pool of its own, opened after the setting changed.
 */
async function cpuPerRequest(
  url: string,
  metrics: (database: Database) => Promise<unknown>,
): Promise<{ db: number; server: number }> {
  const admin = await openDatabase({ kind: 'postgres', url })
  await admin.query(
    sql.raw(
      `alter database ${new URL(url).pathname.slice(1)} set max_parallel_workers_per_gather = 0`,
    ),
  )
  await admin.close()
  const database = await openDatabase({ kind: 'postgres', url })
  try {
    await metrics(database)
    const db0 = await backendCpuMs(database)
    const node0 = process.cpuUsage()
    for (let i = 0; i < RUNS; i++) await metrics(database)
    const node = process.cpuUsage(node0)
    const db = (await backendCpuMs(database)) - db0
    return { db: db / RUNS, server: (node.user + node.system) / 1000 / RUNS }
  } finally {
    await database.close()
  }
}

interface Case {
  name: string
  period: Period
  filter: MetricsFilter
}

/** Seeds the space, or finds it in a database seeded by an earlier run (BENCH_METRICS_DB). */
async function seeded(
  database: Database,
): Promise<{ spaceId: string; inboxId: string; now: Date }> {
  const [space] = await database.query<{ id: string; last: Date | string }>(
    sql`select space_id as id, max(created_at) as last from tickets group by 1
        order by count(*) desc limit 1`,
  )
  if (
    space &&
    Number(
      (
        await database.query<{ n: number }>(
          sql`select count(*)::int as n from tickets where space_id = ${space.id}::uuid`,
        )
      )[0]?.n,
    ) >= TICKETS
  ) {
    const [inbox] = await database.query<{ id: string }>(
      sql`select inbox_id as id from tickets where space_id = ${space.id}::uuid
          order by created_at desc limit 1`,
    )
    process.stdout.write('  reusing the seeded tickets\n')
    // the seed's clock stood a moment after its newest ticket
    return {
      spaceId: space.id,
      inboxId: inbox?.id ?? '',
      now: new Date(new Date(space.last).getTime() + 1000),
    }
  }
  const now = new Date()
  const started = performance.now()
  const { spaceId, inboxId } = await seed(database, now)
  // what the server's minute timer does: fold the triggers' deltas into the kept counts
  await compactMetricCounts(database)
  process.stdout.write(`  seeded in ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
  return { spaceId, inboxId, now }
}

/**
 * What autovacuum does in production: statistics, and the visibility map the index-only scans
 * need. Run at every start, seeded or reused: a migration that rewrites `tickets` (0015 adds
 * stored columns) leaves no page all-visible, and a vacuum while another transaction of the
 * cluster is open may not mark them either, so the share of all-visible pages is printed.
 */
async function vacuum(database: Database): Promise<void> {
  await database.query(sql`vacuum analyze tickets`)
  await database.query(sql`vacuum analyze escalation_firings`)
  await database.query(sql`vacuum analyze ticket_metric_counts`)
  const [pages] = await database.query<{ total: number; visible: number }>(
    sql`select relpages as total, relallvisible as visible from pg_class where relname = 'tickets'`,
  )
  const share = pages && pages.total > 0 ? (100 * pages.visible) / pages.total : 0
  process.stdout.write(
    `  vacuum analyze: ${share.toFixed(0)} % of the tickets' pages all-visible\n`,
  )
}

async function run(url: string): Promise<void> {
  const database = await openDatabase({ kind: 'postgres', url })
  try {
    const { spaceId, inboxId, now } = await seeded(database)
    await vacuum(database)
    const timezone = 'Europe/London'
    const iso = (d: { year: number; month: number; day: number }) =>
      `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`
    const daysAgo = (days: number) =>
      iso(localDateOf(timezone, new Date(now.getTime() - days * 86_400_000)))
    const today = daysAgo(0)
    const all = { spaceId, inboxId: null, priority: null, teamId: null }
    const period = (from: string, to: string) => resolvePeriod({ from, to }, timezone, now)
    const cases: Case[] = [
      { name: '30 days', period: period(daysAgo(DAYS), today), filter: all },
      {
        name: '30 days, one inbox',
        period: period(daysAgo(DAYS), today),
        filter: { ...all, inboxId },
      },
      { name: '7 days', period: period(daysAgo(6), today), filter: all },
      {
        name: '7 days, urgent',
        period: period(daysAgo(6), today),
        filter: { ...all, priority: 'urgent' },
      },
      { name: 'today (hourly)', period: period(today, today), filter: all },
      {
        name: 'today, inbox+urgent',
        period: period(today, today),
        filter: { ...all, inboxId, priority: 'urgent' },
      },
      { name: 'custom 10 days', period: period(daysAgo(20), daysAgo(11)), filter: all },
      {
        name: 'custom, one inbox',
        period: period(daysAgo(20), daysAgo(11)),
        filter: { ...all, inboxId },
      },
    ]
    const rows: string[] = []
    const fastMedians: number[] = []
    for (const c of cases) {
      const metrics = () => computeMetrics(database, c.filter, c.period, timezone, now)
      await metrics() // warm the cache once; every run below reads the same pages
      const runs: number[] = []
      for (let i = 0; i < RUNS; i++) runs.push((await time(metrics)).ms)
      const naiveRuns: number[] = []
      for (let i = 0; i < NAIVE_RUNS; i++) {
        naiveRuns.push(
          (await time(() => database.query(naiveQuery(spaceId, c.filter, c.period, timezone)))).ms,
        )
      }
      const fast = median(runs)
      const naive = median(naiveRuns)
      fastMedians.push(fast)
      rows.push(
        `  ${c.name.padEnd(20)} ${fmt(fast)} ${fmt(naive)} ${`${(naive / fast).toFixed(1)}×`.padStart(7)}   ` +
          `${fast <= TARGET_MS ? 'met' : 'NOT met'}   runs ${runs.map((r) => r.toFixed(0)).join(', ')}`,
      )
      process.stdout.write(`${rows.at(-1)}\n`)
    }
    const whole = cases[0]
    if (!whole) throw new Error('no cases')
    const last = await computeMetrics(database, whole.filter, whole.period, timezone, now)
    const cpu = await cpuPerRequest(url, (db) =>
      computeMetrics(db, whole.filter, whole.period, timezone, now),
    )
    const naiveCpu = await cpuPerRequest(url, (db) =>
      db.query(naiveQuery(spaceId, whole.filter, whole.period, timezone)),
    )
    // a shared machine's load changes every figure: it is printed beside them
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')
    process.stdout.write(
      `\nMetrics over ${last.tickets.toLocaleString('en')} tickets (${DAYS} days, ${last.series.length} daily buckets):\n` +
        `  escalation rate ${last.escalationRate.numerator}/${last.escalationRate.denominator}, ` +
        `repeat ${last.repeatEscalationRate.numerator}/${last.repeatEscalationRate.denominator}, ` +
        `SLA ${last.slaCompliance.numerator}/${last.slaCompliance.denominator} (+${last.slaCompliance.pending} pending)\n` +
        `  case                 metrics (median of ${RUNS})  naive (median of ${NAIVE_RUNS})  naive ÷ metrics   ≤ ${TARGET_MS} ms\n` +
        `${rows.join('\n')}\n` +
        `  target ≤ ${TARGET_MS} ms: ${fastMedians.every((m) => m <= TARGET_MS) ? 'met in every case' : 'NOT met in every case'}\n` +
        `  CPU per request (30 days), one core, no parallel workers: metrics ${fmt(cpu.db + cpu.server)} ` +
        `(database ${cpu.db.toFixed(0)} ms, server ${cpu.server.toFixed(0)} ms), naive ` +
        `${fmt(naiveCpu.db + naiveCpu.server)} (${((naiveCpu.db + naiveCpu.server) / (cpu.db + cpu.server)).toFixed(1)}×)\n` +
        `  machine: ${cpus().length} cores, load average ${load} (1, 5, 15 min)\n`,
    )
  } finally {
    await database.close()
  }
}

async function main(): Promise<void> {
  const baseUrl =
    process.env.DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres'
  const reuse = process.env.BENCH_METRICS_DB
  const name = reuse ?? `flare_bench_${randomBytes(4).toString('hex')}`
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
  if (!reuse) await admin.unsafe(`create database ${name}`)
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  process.stdout.write(
    `metrics benchmark: database ${name}, ${TICKETS.toLocaleString('en')} tickets\n`,
  )
  try {
    await run(url.toString())
  } finally {
    if (reuse || process.env.BENCH_METRICS_KEEP === '1') {
      process.stdout.write(
        `kept ${name}: run again with BENCH_METRICS_DB=${name}, drop it when done\n`,
      )
    } else {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      process.stdout.write(`dropped ${name}\n`)
    }
    await admin.end()
  }
}

await main()

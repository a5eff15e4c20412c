import { spawn } from 'node:child_process'
import { applyRuleDefaults } from '@flare/protocol'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseTarget } from '../src/db/database.js'
import { escalationRules, groups, inboxes, spaces, tickets } from '../src/db/schema.js'
import { bootOn, MINUTE } from './automation-support.js'
import { databaseKinds, TestClock } from './support.js'

const pg = databaseKinds().find((k) => k.name === 'postgres')
const TICKETS = 1000

// Another server process in the middle of a batch: it claims 100 due tickets the way the
// scheduler does, writes half a firing, says so, and waits (between two queries) to be killed.
const DOOMED_SCRIPT = `
import postgres from 'postgres'
const [url, inboxId, now] = process.argv.slice(1)
const sql = postgres(url, { max: 1, onnotice: () => {} })
await sql.begin(async (tx) => {
  const [{ pid }] = await tx\`select pg_backend_pid() as pid\`
  const claimed = await tx\`select id from tickets where inbox_id = \${inboxId} and next_due_at <= \${now}
    order by next_due_at, id limit 100 for update skip locked\`
  await tx\`update tickets set escalation_level = escalation_level + 1,
    escalation_history = escalation_history || '[{"ruleId":null,"level":1,"escalatedAt":"2026-11-24T12:10:00.000Z"}]'::jsonb
    where id in \${tx(claimed.map((r) => r.id))}\`
  process.stdout.write('claimed ' + claimed.length + ' by ' + pid + '\\n')
  await new Promise(() => {})
})
`

if (!pg) {
  process.stdout.write(
    '[automation-postgres] SKIPPED: two server processes on one PostgreSQL need ' +
      'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n',
  )
}

describe.skipIf(!pg)('the escalation scheduler with several processes on PostgreSQL', () => {
  let target: DatabaseTarget
  let drop: () => Promise<void>
  const closers: Array<() => Promise<void>> = []
  beforeAll(async () => {
    ;({ target, drop } = await pg!.fresh())
  })
  afterAll(async () => {
    for (const close of closers.reverse()) await close()
    await drop?.()
  })

  /** `count` customers waiting since `start` in a fresh inbox with a 10-minute team rule. */
  async function seedWave(
    app: Awaited<ReturnType<typeof bootOn>>['app'],
    start: Date,
    count: number,
    address: string,
  ): Promise<string> {
    const db = app.database.db
    const [space] = await db.select().from(spaces).limit(1)
    const [supervisors] = await db.select().from(groups).where(eq(groups.handle, 'supervisors'))
    const [inbox] = await db
      .insert(inboxes)
      .values({ spaceId: space!.id, name: `Wave ${address}`, channelAddress: address })
      .returning()
    await db.execute(sql`
      insert into tickets (space_id, inbox_id, subject, customer_phone, created_at, open_since, waiting_since)
      select ${space!.id}::uuid, ${inbox!.id}::uuid, 'Wave ' || n, '+1999' || n,
             ${start.toISOString()}::timestamptz, ${start.toISOString()}::timestamptz, ${start.toISOString()}::timestamptz
      from generate_series(1, ${count}) as n`)
    // a rule change recomputes every open ticket of the space, in the background
    await app.escalationRules.insert(
      space!.id,
      null,
      applyRuleDefaults({
        name: `Team after 10 (${address})`,
        enabled: true,
        inboxId: inbox!.id,
        priority: 'all',
        escalateAfterMinutes: 10,
        businessHoursOnly: false,
        escalateTo: 'team',
        escalateToTeamId: supervisors!.id,
        notificationChannels: ['in_app', 'email'],
      }),
    )
    await app.dueRecompute.runPending()
    return inbox!.id
  }

  async function counts(app: Awaited<ReturnType<typeof bootOn>>['app'], inboxId: string) {
    const [row] = await app.database.query<{
      tickets: number
      fired_tickets: number
      entries: number
      firings: number
      distinct_firings: number
      outbox: number
      distinct_keys: number
    }>(sql`
      select
        (select count(*)::int from tickets where inbox_id = ${inboxId}) as tickets,
        (select count(*)::int from tickets where inbox_id = ${inboxId} and escalation_level = 1) as fired_tickets,
        (select coalesce(sum(jsonb_array_length(escalation_history)), 0)::int from tickets where inbox_id = ${inboxId}) as entries,
        (select count(*)::int from escalation_firings f join tickets t on t.id = f.ticket_id where t.inbox_id = ${inboxId}) as firings,
        (select count(distinct f.ticket_id)::int from escalation_firings f join tickets t on t.id = f.ticket_id where t.inbox_id = ${inboxId}) as distinct_firings,
        (select count(*)::int from notification_outbox o join tickets t on t.id = o.ticket_id where t.inbox_id = ${inboxId}) as outbox,
        (select count(distinct o.idempotency_key)::int from notification_outbox o join tickets t on t.id = o.ticket_id where t.inbox_id = ${inboxId}) as distinct_keys`)
    return row!
  }

  it(`[6.3.5] two server processes fire ${TICKETS} due tickets exactly once each`, async () => {
    const clock = new TestClock(new Date('2026-11-24T10:00:00.000Z'))
    const a = await bootOn(target, { clock: clock.now, seed: true })
    closers.push(() => a.app.close())
    const b = await bootOn(target, { clock: clock.now })
    closers.push(() => b.app.close())
    const start = clock.now()
    const inboxId = await seedWave(a.app, start, TICKETS, '+15550600')
    const [pending] = await a.database.query<{ due: number }>(
      sql`select count(*)::int as due from tickets where inbox_id = ${inboxId} and next_due_at = ${new Date(start.getTime() + 10 * MINUTE).toISOString()}::timestamptz`,
    )
    expect(pending!.due).toBe(TICKETS)

    clock.advance(10 * MINUTE)
    const [byA, byB] = await Promise.all([
      a.app.scheduler.runDue(clock.now()),
      b.app.scheduler.runDue(clock.now()),
    ])
    // only this wave: the demo's sample ticket may fall due too
    const firedA = byA.filter((p) => p.ticket.inboxId === inboxId && p.firings.length > 0).length
    const firedB = byB.filter((p) => p.ticket.inboxId === inboxId && p.firings.length > 0).length
    expect(firedA + firedB).toBe(TICKETS)
    // both really worked: SKIP LOCKED shared the wave out
    expect(firedA).toBeGreaterThan(0)
    expect(firedB).toBeGreaterThan(0)
    const c = await counts(a.app, inboxId)
    expect(c).toEqual({
      tickets: TICKETS,
      fired_tickets: TICKETS,
      entries: TICKETS,
      firings: TICKETS,
      distinct_firings: TICKETS,
      // two supervisors × (in_app, email)
      outbox: TICKETS * 4,
      distinct_keys: TICKETS * 4,
    })
    // nothing left to do, in either process
    expect(await a.app.scheduler.runDue(clock.now())).toEqual([])
    expect(await b.app.scheduler.runDue(clock.now())).toEqual([])
  }, 120_000)

  it('[6.3.5] a process killed in the middle of a batch loses nothing and duplicates nothing', async () => {
    const clock = new TestClock(new Date('2026-11-24T12:00:00.000Z'))
    const survivor = await bootOn(target, { clock: clock.now })
    closers.push(() => survivor.app.close())
    const start = clock.now()
    const inboxId = await seedWave(survivor.app, start, TICKETS, '+15550601')
    clock.advance(10 * MINUTE)

    // the doomed process claims a batch as the scheduler does, writes part of its firings and
    // is killed with SIGKILL while its transaction is open
    const doomed = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        DOOMED_SCRIPT,
        (target as { url: string }).url,
        inboxId,
        clock.now().toISOString(),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const backendPid = await new Promise<number>((resolve, reject) => {
      doomed.stdout.on('data', (chunk: Buffer) => {
        const match = /claimed (\d+) by (\d+)/.exec(chunk.toString())
        if (match) {
          expect(Number(match[1])).toBe(100)
          resolve(Number(match[2]))
        }
      })
      doomed.once('exit', (code) => reject(new Error(`the doomed process exited early (${code})`)))
    })

    // meanwhile the survivor fires everything it can claim: all but the locked batch
    const first = await survivor.app.scheduler.runDue(clock.now())
    expect(first.filter((p) => p.ticket.inboxId === inboxId && p.firings.length > 0)).toHaveLength(
      TICKETS - 100,
    )

    doomed.kill('SIGKILL')
    // PostgreSQL sees the connection drop and rolls the open transaction back
    for (let i = 0; i < 200; i++) {
      const [row] = await survivor.database.query<{ n: number }>(
        sql`select count(*)::int as n from pg_stat_activity where pid = ${backendPid}`,
      )
      if (row!.n === 0) break
      await new Promise((r) => setTimeout(r, 25))
    }

    // a restarted process (a new app on the same database) picks up the rest
    const restarted = await bootOn(target, { clock: clock.now })
    closers.push(() => restarted.app.close())
    const second = await restarted.app.scheduler.runDue(clock.now())
    expect(second.filter((p) => p.ticket.inboxId === inboxId && p.firings.length > 0)).toHaveLength(
      100,
    )
    const c = await counts(survivor.app, inboxId)
    expect(c).toMatchObject({
      fired_tickets: TICKETS,
      entries: TICKETS,
      firings: TICKETS,
      distinct_firings: TICKETS,
      outbox: TICKETS * 4,
      distinct_keys: TICKETS * 4,
    })
  }, 120_000)

  it('[6.4] LISTEN/NOTIFY wakes another process for a due instant it did not plan', async () => {
    const sleeper = await bootOn(target, { scheduler: true })
    closers.push(() => sleeper.app.close())
    const writer = await bootOn(target, { scheduler: false })
    closers.push(() => writer.app.close())
    const db = writer.database.db
    const [space] = await db.select().from(spaces).limit(1)
    const [inbox] = await db
      .insert(inboxes)
      .values({ spaceId: space!.id, name: 'Notify', channelAddress: '+15550602' })
      .returning()
    await writer.app.escalationRules.insert(
      space!.id,
      null,
      applyRuleDefaults({
        name: 'One minute',
        enabled: true,
        inboxId: inbox!.id,
        priority: 'all',
        escalateAfterMinutes: 1,
        businessHoursOnly: false,
        notificationChannels: ['in_app'],
      }),
    )
    const dueAt = Date.now() + 500
    const [ticket] = await db
      .insert(tickets)
      .values({
        spaceId: space!.id,
        inboxId: inbox!.id,
        subject: 'Notify test',
        customerPhone: '+15550998',
        waitingSince: new Date(dueAt - MINUTE),
      })
      .returning()
    // the writer has no loop: only the sleeper's LISTEN can get this fired in time
    await writer.app.scheduler.recompute([ticket!.id])
    let fired: Date | null = null
    const deadline = Date.now() + 5000
    while (!fired && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25))
      const [row] = await db.select().from(tickets).where(eq(tickets.id, ticket!.id))
      fired = row!.lastEscalatedAt
    }
    expect(fired).not.toBeNull()
    expect(fired!.getTime() - dueAt).toBeLessThan(1000)
    const [rule] = await db
      .select()
      .from(escalationRules)
      .where(eq(escalationRules.inboxId, inbox!.id))
    expect(rule).toBeDefined()
  }, 60_000)
})

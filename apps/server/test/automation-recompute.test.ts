import type { RecomputeStatus } from '@flare/protocol'
import { applyRuleDefaults } from '@flare/protocol'
import { eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseTarget } from '../src/db/database.js'
import { groups, inboxes, spaces } from '../src/db/schema.js'
import { DEMO_PASSWORD } from '../src/demo/seed.js'
import { requestRecompute } from '../src/scheduling/due-instants.js'
import { bootOn, holdLocks, MINUTE } from './automation-support.js'
import { databaseKinds, TestClock } from './support.js'

const pg = databaseKinds().find((k) => k.name === 'postgres')
const TICKETS = 600

if (!pg) {
  process.stdout.write(
    '[automation-recompute] SKIPPED: the background recompute beside two firing processes needs ' +
      'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n',
  )
}

describe.skipIf(!pg)('the background recompute after a rule change on PostgreSQL', () => {
  let target: DatabaseTarget & { kind: 'postgres' }
  let drop: () => Promise<void>
  const closers: Array<() => Promise<void>> = []
  beforeAll(async () => {
    const fresh = await pg!.fresh()
    if (fresh.target.kind !== 'postgres') throw new Error('not PostgreSQL')
    target = fresh.target
    drop = fresh.drop
  })
  afterAll(async () => {
    for (const close of closers.reverse()) await close()
    await drop?.()
  })

  const cookies = new WeakMap<FastifyInstance, string>()
  async function managerCookie(app: FastifyInstance): Promise<string> {
    const known = cookies.get(app)
    if (known) return known
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'manager@flare.test', password: DEMO_PASSWORD },
    })
    const cookie = `flare_session=${res.cookies.find((c) => c.name === 'flare_session')?.value}`
    cookies.set(app, cookie)
    return cookie
  }

  async function statusOf(app: FastifyInstance, spaceId: string): Promise<RecomputeStatus> {
    const res = await app.inject({
      method: 'GET',
      url: `/api/spaces/${spaceId}/automation/recompute`,
      headers: { cookie: await managerCookie(app) },
    })
    expect(res.statusCode).toBe(200)
    return res.json()
  }

  it('[6.4] a rule save answers before the recompute; firings during it are exactly once; another process finishes it', async () => {
    const clock = new TestClock(new Date('2026-11-25T10:00:00.000Z'))
    const a = await bootOn(target, { clock: clock.now, seed: true })
    closers.push(() => a.app.close())
    const b = await bootOn(target, { clock: clock.now })
    closers.push(() => b.app.close())
    const db = a.database.db
    const [space] = await db.select().from(spaces).limit(1)
    const [supervisors] = await db.select().from(groups).where(eq(groups.handle, 'supervisors'))
    const [inbox] = await db
      .insert(inboxes)
      .values({ spaceId: space!.id, name: 'Recompute', channelAddress: '+15550700' })
      .returning()
    const start = clock.now()
    await a.database.query(sql`
      insert into tickets (space_id, inbox_id, subject, customer_phone, created_at, open_since, waiting_since)
      select ${space!.id}::uuid, ${inbox!.id}::uuid, 'Recompute ' || n, '+1777' || n,
             ${start.toISOString()}::timestamptz, ${start.toISOString()}::timestamptz, ${start.toISOString()}::timestamptz
      from generate_series(1, ${TICKETS}) as n`)
    const rule = (minutes: number) =>
      applyRuleDefaults({
        name: `After ${minutes}`,
        enabled: true,
        inboxId: inbox!.id,
        priority: 'all',
        escalateAfterMinutes: minutes,
        businessHoursOnly: false,
        escalateTo: 'team',
        escalateToTeamId: supervisors!.id,
        notificationChannels: ['in_app', 'email'],
      })
    const [{ open } = { open: 0 }] = await a.database.query<{ open: number }>(
      sql`select count(*)::int as open from tickets where space_id = ${space!.id} and status = 'open'`,
    )
    await a.app.escalationRules.insert(space!.id, null, rule(30))
    await a.app.dueRecompute.runPending()
    expect((await statusOf(a.app, space!.id)).state).toBe('idle')

    // another transaction holds the 400th ticket: the recompute gets through its first batch
    // (250 tickets) and then waits for that lock, in the background
    // (OFFSET would lock every row it skips: pick the row first, then lock it alone)
    const lock = await holdLocks(
      target.url,
      (tx) => tx`select id from tickets where id = (select id from tickets
        where inbox_id = ${inbox!.id} order by id offset 399 limit 1) for update`,
    )

    const saved = await a.app.inject({
      method: 'POST',
      url: '/api/tickets/escalation-rules',
      headers: { cookie: await managerCookie(a.app) },
      payload: { ...rule(10), name: 'After 10' },
    })
    // answered while the recompute cannot finish: it did not wait for it
    expect(saved.statusCode).toBe(201)
    let status = await statusOf(a.app, space!.id)
    expect(status.state).toBe('running')
    expect(status.total).toBe(open)
    for (let i = 0; i < 400 && status.done < 250; i++) {
      await new Promise((r) => setTimeout(r, 25))
      status = await statusOf(a.app, space!.id)
    }
    expect(status).toMatchObject({ state: 'running', done: 250, total: open })

    // both processes fire what is due at +10 while the recompute is half done
    clock.advance(10 * MINUTE)
    const during = await Promise.all([
      a.app.scheduler.runDue(clock.now()),
      b.app.scheduler.runDue(clock.now()),
    ])
    const firedDuring = during.flat().filter((p) => p.firings.length > 0).length
    expect(firedDuring).toBeGreaterThan(200)
    expect(firedDuring).toBeLessThan(TICKETS)

    await lock.release()
    await a.app.dueRecompute.runPending()
    expect(await statusOf(b.app, space!.id)).toMatchObject({
      state: 'idle',
      done: open,
      total: open,
    })
    await Promise.all([a.app.scheduler.runDue(clock.now()), b.app.scheduler.runDue(clock.now())])

    const [counts] = await a.database.query<{
      fired: number
      firings: number
      distinct_tickets: number
      outbox: number
      distinct_keys: number
    }>(sql`
      select
        (select count(*)::int from tickets where inbox_id = ${inbox!.id} and escalation_level = 1) as fired,
        (select count(*)::int from escalation_firings f join tickets t on t.id = f.ticket_id where t.inbox_id = ${inbox!.id}) as firings,
        (select count(distinct f.ticket_id)::int from escalation_firings f join tickets t on t.id = f.ticket_id where t.inbox_id = ${inbox!.id}) as distinct_tickets,
        (select count(*)::int from notification_outbox o join tickets t on t.id = o.ticket_id where t.inbox_id = ${inbox!.id}) as outbox,
        (select count(distinct o.idempotency_key)::int from notification_outbox o join tickets t on t.id = o.ticket_id where t.inbox_id = ${inbox!.id}) as distinct_keys`)
    expect(counts).toEqual({
      fired: TICKETS,
      firings: TICKETS,
      distinct_tickets: TICKETS,
      // two supervisors × (in_app, email)
      outbox: TICKETS * 4,
      distinct_keys: TICKETS * 4,
    })

    // a change whose process died before any batch: the request is in the database, and a
    // process started later does the recompute on its own
    await b.app.close()
    await a.database.db.transaction((tx) => requestRecompute(tx, space!.id, clock.now()))
    await a.app.close()
    const c = await bootOn(target, { clock: clock.now })
    closers.push(() => c.app.close())
    status = await statusOf(c.app, space!.id)
    for (let i = 0; i < 400 && status.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25))
      status = await statusOf(c.app, space!.id)
    }
    expect(status).toMatchObject({ state: 'idle', done: open })
  }, 120_000)
})

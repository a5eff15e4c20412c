import { applyRuleDefaults } from '@flare/protocol'
import { eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseTarget } from '../src/db/database.js'
import { inboxes, spaces, tickets } from '../src/db/schema.js'
import { bootOn, holdLocks, MINUTE } from './automation-support.js'
import { type PrivatePostgres, postgresBin, startPrivatePostgres } from './private-postgres.js'

const bin = postgresBin()
const inCi = process.env.CI === 'true'
if (!bin && !inCi) {
  process.stdout.write(
    '[automation-faults] SKIPPED: the outage and locked-rows tests start a private PostgreSQL and ' +
      'need its server programs (initdb, pg_ctl) in /usr/lib/postgresql/15/bin or PG_BIN\n',
  )
}

const TICKETS = 20

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

describe.skipIf(!bin && !inCi)(
  'the schedulers under database faults (a private PostgreSQL)',
  () => {
    let server: PrivatePostgres
    const closers: Array<() => Promise<void>> = []
    beforeAll(async () => {
      if (!bin) throw new Error('CI=true: PostgreSQL server programs (initdb, pg_ctl) are missing')
      server = await startPrivatePostgres(bin)
    }, 60_000)
    afterAll(async () => {
      for (const close of closers.reverse()) await close().catch(() => {})
      await server?.destroy()
    })

    /** A fresh database on the private server, as a fresh process would open it. */
    async function freshTarget(): Promise<DatabaseTarget & { kind: 'postgres' }> {
      const name = `flare_fault_${Math.random().toString(36).slice(2, 10)}`
      const admin = postgres(server.url, { max: 1, onnotice: () => {} })
      await admin.unsafe(`create database ${name}`)
      await admin.end()
      const url = new URL(server.url)
      url.pathname = `/${name}`
      return { kind: 'postgres', url: url.toString() }
    }

    /** A new inbox with a one-minute rule. */
    async function ruleInbox(app: FastifyInstance): Promise<{ spaceId: string; inboxId: string }> {
      const db = app.database.db
      const [space] = await db.select().from(spaces).limit(1)
      const [inbox] = await db
        .insert(inboxes)
        .values({ spaceId: space!.id, name: 'Faults', channelAddress: `+1555${Date.now() % 1e7}` })
        .returning()
      await app.escalationRules.insert(
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
      await app.dueRecompute.runPending()
      return { spaceId: space!.id, inboxId: inbox!.id }
    }

    /**
     * `TICKETS` customers due from `firstDue` on, `spreadMs` apart in all; their due instants are
     * stored and signalled as a change would.
     */
    async function dueWave(
      app: FastifyInstance,
      where: { spaceId: string; inboxId: string },
      firstDue: number,
      spreadMs: number,
    ): Promise<string[]> {
      const rows = await app.database.db
        .insert(tickets)
        .values(
          Array.from({ length: TICKETS }, (_, i) => ({
            spaceId: where.spaceId,
            inboxId: where.inboxId,
            subject: `Fault ${i}`,
            customerPhone: `+1666${i}`,
            waitingSince: new Date(firstDue + Math.floor((i * spreadMs) / TICKETS) - MINUTE),
          })),
        )
        .returning({ id: tickets.id })
      const ids = rows.map((r) => r.id)
      await app.scheduler.recompute(ids)
      return ids
    }

    /** How many of the inbox's tickets fired, over one connection that outlives an outage. */
    function firedCounter(url: string) {
      const client = postgres(url, { max: 1, onnotice: () => {} })
      return {
        async counts(inboxId: string) {
          const [row] = await client<Array<{ fired: number; firings: number; last: Date | null }>>`
          select
            (select count(*)::int from tickets where inbox_id = ${inboxId} and escalation_level > 0) as fired,
            (select count(*)::int from escalation_firings f join tickets t on t.id = f.ticket_id
              where t.inbox_id = ${inboxId}) as firings,
            (select max(f.escalated_at) from escalation_firings f join tickets t on t.id = f.ticket_id
              where t.inbox_id = ${inboxId}) as last`
          return row!
        },
        end: () => client.end(),
      }
    }

    it('[6.4] while a transaction holds due rows locked, two processes run fewer than 50 transactions in 10 s', async () => {
      const target = await freshTarget()
      const a = await bootOn(target, { seed: true, scheduler: true })
      closers.push(() => a.app.close())
      const b = await bootOn(target, { scheduler: true })
      closers.push(() => b.app.close())
      const where = await ruleInbox(a.app)
      const { inboxId } = where
      const dueAt = Date.now() + 2_000
      const ids = await dueWave(a.app, where, dueAt, 0)

      // another transaction takes the tickets before they fall due and keeps them
      const lock = await holdLocks(
        target.url,
        (tx) => tx`select id from tickets where id in ${tx(ids)} for update`,
      )
      await sleep(Math.max(0, dueAt - Date.now()) + 500)

      const stats = postgres(target.url, { max: 1, onnotice: () => {} })
      const transactions = async () => {
        const [row] = await stats<Array<{ n: string }>>`
        select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`
        return Number(row!.n)
      }
      const before = await transactions()
      const busyBefore = a.app.scheduler.stats().busy + b.app.scheduler.stats().busy
      await sleep(10_000)
      const during = (await transactions()) - before
      const busy = a.app.scheduler.stats().busy + b.app.scheduler.stats().busy - busyBefore
      await stats.end()
      process.stdout.write(
        `[automation-faults] locked due rows: ${during} transactions in 10 s on two processes (${busy} busy backoffs)\n`,
      )
      expect(during).toBeLessThan(50)
      expect(busy).toBeGreaterThan(0)
      const counter = firedCounter(target.url)
      closers.push(counter.end)
      expect((await counter.counts(inboxId)).fired).toBe(0)

      // the lock goes: the next backoff (at most 1 s) finds them, and they fire once each
      const releasedAt = Date.now()
      await lock.release()
      let counts = await counter.counts(inboxId)
      while (counts.firings < TICKETS && Date.now() - releasedAt < 5_000) {
        await sleep(25)
        counts = await counter.counts(inboxId)
      }
      expect(counts).toMatchObject({ fired: TICKETS, firings: TICKETS })
      expect(Date.now() - releasedAt).toBeLessThan(2_000)
    }, 90_000)

    it('[6.4] tickets due during a 10 s outage fire within 2 s of the database returning, once each', async () => {
      const target = await freshTarget()
      const app = await bootOn(target, { seed: true, scheduler: true })
      closers.push(() => app.app.close())
      const where = await ruleInbox(app.app)
      const { inboxId } = where
      // due from about 2 s to 7 s into the outage
      const firstDue = Date.now() + 2_000
      await dueWave(app.app, where, firstDue, 5_000)

      await server.stop()
      const downAt = Date.now()
      await sleep(10_000)
      await server.start()
      const backAt = Date.now()
      // connected after the return, so its own reconnection is not part of the measure
      const counter = firedCounter(target.url)
      closers.push(counter.end)
      expect(firstDue + 5_000).toBeLessThan(backAt)
      expect(firstDue).toBeGreaterThan(downAt)

      let counts = await counter.counts(inboxId)
      while (counts.firings < TICKETS && Date.now() - backAt < 10_000) {
        await sleep(25)
        counts = await counter.counts(inboxId)
      }
      const firedWithin = Date.now() - backAt
      process.stdout.write(
        `[automation-faults] outage of ${backAt - downAt} ms: all ${counts.firings} fired ${firedWithin} ms after the database returned\n`,
      )
      expect(counts).toMatchObject({ fired: TICKETS, firings: TICKETS })
      expect(firedWithin).toBeLessThan(2_000)
      // recorded at the claim, after the return: nothing fired into the void during the outage
      expect(counts.last!.getTime()).toBeGreaterThanOrEqual(backAt - 1_000)
      const [row] = await app.database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(tickets)
        .where(eq(tickets.inboxId, inboxId))
      expect(row!.n).toBe(TICKETS)
    }, 90_000)
  },
)

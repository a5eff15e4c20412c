import { evaluateTicket } from '@flare/rules'
import { and, asc, eq, gt, inArray, isNotNull, lte, min, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import type { Database, Db } from '../db/database.js'
import { tickets } from '../db/schema.js'
import type { TicketRow, Tx } from '../tickets/ticket-repository.js'
import { calendarsOf, evaluableRules, listRuleRows } from './automation-repository.js'
import {
  calendarOf,
  fireBatch,
  type ProcessedTicket,
  type SpaceContext,
  snapshotOf,
} from './firing-batch.js'

export type { CommittedFiring, ProcessedTicket } from './firing-batch.js'
export { snapshotOf } from './firing-batch.js'

export interface SchedulerDeps {
  database: Database
  clock: Clock
  log: FastifyBaseLogger
  /** After each committed batch: send the in-app events, tell the space. */
  delivered(processed: ProcessedTicket[]): Promise<void>
  /** Tickets claimed per transaction. */
  batchSize?: number
  /** Claim loops run side by side by the timer (each batch is its own transaction). */
  workers?: number
  /**
   * The longest the timer sleeps without looking: covers due instants written by a process
   * that died before it could notify.
   */
  pollMs?: number
}

const NOTIFY_CHANNEL = 'flare_escalation_due'
// setTimeout cannot wait longer than this
const MAX_TIMEOUT_MS = 2 ** 31 - 1
// a ticket cannot fire more often than it has chains; this only stops a runaway loop
const MAX_FIRINGS_PER_TICKET = 20
const RECOMPUTE_CHUNK = 500

async function loadContext(db: Tx, spaceId: string): Promise<SpaceContext> {
  const [rows, calendars] = await Promise.all([listRuleRows(db, spaceId), calendarsOf(db, spaceId)])
  return { rules: evaluableRules(rows), space: calendars.space, inboxes: calendars.inboxes }
}

/** When the scheduler must next look at the ticket: `now` when something is due already. */
function nextDueOf(row: TicketRow, context: SpaceContext, now: Date): Date | null {
  const evaluation = evaluateTicket(
    snapshotOf(row),
    context.rules,
    calendarOf(context, row.inboxId),
    now,
  )
  return evaluation.fire ? now : evaluation.nextDueAt
}

/** One UPDATE for many tickets' next due instants. */
async function storeNextDue(tx: Tx, changed: Array<{ id: string; next: Date | null }>) {
  for (let i = 0; i < changed.length; i += RECOMPUTE_CHUNK) {
    const values = sql.join(
      changed
        .slice(i, i + RECOMPUTE_CHUNK)
        .map((c) => sql`(${c.id}::uuid, ${c.next ? c.next.toISOString() : null}::timestamptz)`),
      sql`, `,
    )
    await tx.execute(
      sql`update tickets set next_due_at = v.next from (values ${values}) as v(id, next) where tickets.id = v.id`,
    )
  }
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null)
}

/** The raw client under drizzle, for LISTEN: postgres.js and PGlite both have `listen`. */
interface Listenable {
  listen(channel: string, onNotify: (payload: string) => void): Promise<unknown>
}

/**
 * The escalation scheduler (SPEC §6.3-6.4). Every open ticket's next due instant is kept in
 * `tickets.next_due_at`; the loop sleeps until the earliest, claims due tickets with
 * `FOR UPDATE SKIP LOCKED` (so several processes never fire one ticket twice), fires and stores
 * the next due instant in the same transaction.
 */
export function createEscalationScheduler(deps: SchedulerDeps) {
  const { database, clock, log } = deps
  const db: Db = database.db
  const batchSize = deps.batchSize ?? 500
  const workers = Math.max(1, deps.workers ?? 2)
  const pollMs = Math.min(deps.pollMs ?? 60_000, MAX_TIMEOUT_MS)
  let timer: NodeJS.Timeout | null = null
  let wakeAt: number | null = null
  let started = false
  let stopped = false
  let running: Promise<void> | null = null
  let unlisten: (() => Promise<void>) | null = null
  const firedListeners: Array<(processed: ProcessedTicket[]) => void> = []
  /** What the loop has done since start: the benchmark reads it to show an idle loop costs nothing. */
  const stats = { wakeups: 0, claims: 0, ticketsEvaluated: 0, firings: 0 }

  /** Wakes the loop at `at` if that is sooner than planned (an in-process signal). */
  function signal(at: Date): void {
    if (!started || stopped) return
    if (wakeAt === null || at.getTime() < wakeAt) arm(at.getTime())
  }

  async function notifyOthers(tx: Tx, at: Date): Promise<void> {
    // delivered at commit: other processes wake for a due instant earlier than they planned
    await tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${String(at.getTime())})`)
  }

  /** Recomputes the next due instant of each ticket after a change to it. */
  async function recompute(ticketIds: string[]): Promise<void> {
    if (ticketIds.length === 0) return
    const now = clock()
    const earliest = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(tickets)
        .where(inArray(tickets.id, ticketIds))
        .orderBy(asc(tickets.id))
        .for('update')
      const contexts = new Map<string, SpaceContext>()
      let soonest: Date | null = null
      const changed: Array<{ id: string; next: Date | null }> = []
      for (const row of rows) {
        let context = contexts.get(row.spaceId)
        if (!context) {
          context = await loadContext(tx, row.spaceId)
          contexts.set(row.spaceId, context)
        }
        const next = nextDueOf(row, context, now)
        if (!sameInstant(next, row.nextDueAt)) changed.push({ id: row.id, next })
        if (next && (!soonest || next < soonest)) soonest = next
      }
      await storeNextDue(tx, changed)
      if (soonest) await notifyOthers(tx, soonest)
      return soonest
    })
    if (earliest) signal(earliest)
  }

  /**
   * Recomputes every open ticket of the space, after a rule or calendar changed. Chunks of
   * tickets are locked one transaction at a time, so a firing in between sees a consistent row.
   */
  async function recomputeSpace(spaceId: string): Promise<number> {
    const now = clock()
    const context = await loadContext(db, spaceId)
    let after = '00000000-0000-0000-0000-000000000000'
    let count = 0
    let soonest: Date | null = null
    for (;;) {
      const rows = await db.transaction(async (tx) => {
        const chunk = await tx
          .select()
          .from(tickets)
          .where(
            and(eq(tickets.spaceId, spaceId), eq(tickets.status, 'open'), gt(tickets.id, after)),
          )
          .orderBy(asc(tickets.id))
          .limit(RECOMPUTE_CHUNK)
          .for('update')
        const changed: Array<{ id: string; next: Date | null }> = []
        for (const row of chunk) {
          const next = nextDueOf(row, context, now)
          if (!sameInstant(next, row.nextDueAt)) changed.push({ id: row.id, next })
          if (next && (!soonest || next < soonest)) soonest = next
        }
        await storeNextDue(tx, changed)
        const earliest = soonest as Date | null
        if (chunk.length < RECOMPUTE_CHUNK && earliest) await notifyOthers(tx, earliest)
        return chunk
      })
      count += rows.length
      const last = rows.at(-1)
      if (!last || rows.length < RECOMPUTE_CHUNK) break
      after = last.id
    }
    const earliest = soonest as Date | null
    if (earliest) signal(earliest)
    return count
  }

  async function claimBatch(
    now: Date,
    onlyIds: string[] | null,
  ): Promise<ProcessedTicket[] | null> {
    stats.claims += 1
    return db.transaction(async (tx) => {
      const due = and(
        isNotNull(tickets.nextDueAt),
        lte(tickets.nextDueAt, now),
        onlyIds ? inArray(tickets.id, onlyIds) : undefined,
      )
      const rows = await tx
        .select()
        .from(tickets)
        .where(due)
        .orderBy(asc(tickets.nextDueAt), asc(tickets.id))
        .limit(batchSize)
        .for('update', { skipLocked: true })
      if (rows.length === 0) return null
      const contexts = new Map<string, Promise<SpaceContext>>()
      const contextOf = (spaceId: string) => {
        let context = contexts.get(spaceId)
        if (!context) {
          context = loadContext(tx, spaceId)
          contexts.set(spaceId, context)
        }
        return context
      }
      const processed = await fireBatch(tx, rows, contextOf, now, MAX_FIRINGS_PER_TICKET)
      stats.ticketsEvaluated += rows.length
      return processed
    })
  }

  /** A batch failed: fire ticket by ticket, and put off the one that keeps failing. */
  async function isolateFailure(now: Date): Promise<void> {
    const due = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(isNotNull(tickets.nextDueAt), lte(tickets.nextDueAt, now)))
      .orderBy(asc(tickets.nextDueAt))
      .limit(batchSize)
    for (const { id } of due) {
      try {
        const processed = await claimBatch(now, [id])
        if (processed) await deps.delivered(processed)
      } catch (error) {
        log.error(
          { err: error, ticketId: id },
          'escalating a ticket failed; trying again in a minute',
        )
        await db
          .update(tickets)
          .set({ nextDueAt: new Date(now.getTime() + 60_000) })
          .where(eq(tickets.id, id))
      }
    }
  }

  /**
   * Fires everything due at `at` (SPEC §6.3), batch after batch until nothing is due. Tests
   * call it with their own clock's time; the timer calls it without, so each batch fires at
   * the clock's time when it is claimed.
   */
  async function runDue(at?: Date): Promise<ProcessedTicket[]> {
    const all: ProcessedTicket[] = []
    for (;;) {
      const now = at ?? clock()
      let processed: ProcessedTicket[] | null
      try {
        processed = await claimBatch(now, null)
      } catch (error) {
        log.error({ err: error }, 'an escalation batch failed; isolating the ticket')
        await isolateFailure(now)
        continue
      }
      if (!processed) break
      all.push(...processed)
      for (const p of processed) stats.firings += p.firings.length
      try {
        await deps.delivered(processed)
      } catch (error) {
        // committed: the outbox keeps what was not delivered
        log.error({ err: error }, 'delivering in-app escalations failed')
      }
      for (const listener of firedListeners) listener(processed)
    }
    return all
  }

  async function earliestDue(): Promise<Date | null> {
    const [row] = await db
      .select({ next: min(tickets.nextDueAt) })
      .from(tickets)
      .where(isNotNull(tickets.nextDueAt))
    const next = row?.next ?? null
    // drizzle hands back aggregates as they came: a string on some drivers
    return next === null ? null : new Date(next)
  }

  function arm(at: number): void {
    if (stopped) return
    if (timer) clearTimeout(timer)
    const delay = Math.max(0, Math.min(at - clock().getTime(), pollMs))
    wakeAt = clock().getTime() + delay
    timer = setTimeout(() => {
      timer = null
      wakeAt = null
      void tick()
    }, delay)
    timer.unref()
  }

  function tick(): Promise<void> {
    running ??= (async () => {
      stats.wakeups += 1
      try {
        // claimers overlap one's database round trips with the other's evaluation; SKIP LOCKED
        // keeps them off each other's tickets
        await Promise.all(Array.from({ length: workers }, () => runDue()))
      } catch (error) {
        log.error({ err: error }, 'the escalation scheduler failed; trying again shortly')
      }
      try {
        const next = await earliestDue()
        arm(next ? next.getTime() : clock().getTime() + pollMs)
      } catch (error) {
        log.error({ err: error }, 'could not find the next escalation due')
        arm(clock().getTime() + pollMs)
      }
    })().finally(() => {
      running = null
    })
    return running
  }

  async function listen(): Promise<void> {
    const client = (database.db as unknown as { $client?: Listenable }).$client
    if (!client || typeof client.listen !== 'function') return
    const handle = await client.listen(NOTIFY_CHANNEL, (payload) => {
      const at = Number(payload)
      if (Number.isFinite(at)) signal(new Date(at))
    })
    unlisten = async () => {
      if (typeof handle === 'function') await (handle as () => Promise<void>)()
      else await (handle as { unlisten?: () => Promise<void> }).unlisten?.()
    }
  }

  return {
    recompute,
    recomputeSpace,
    runDue,
    signal,
    /** Calls `listener` after each committed batch the scheduler fired. */
    onFired(listener: (processed: ProcessedTicket[]) => void): void {
      firedListeners.push(listener)
    },
    stats(): Readonly<typeof stats> {
      return { ...stats }
    },
    /** Fires what fell due while no server ran (SPEC §6.3.4), then sleeps until the next due. */
    async start(): Promise<void> {
      started = true
      try {
        await listen()
      } catch (error) {
        log.warn({ err: error }, 'LISTEN failed: other processes wake this one only by polling')
      }
      await tick()
    },
    async stop(): Promise<void> {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      await running
      await unlisten?.().catch(() => {})
    },
  }
}

export type EscalationScheduler = ReturnType<typeof createEscalationScheduler>

import { and, asc, eq, inArray, isNotNull, lte } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import type { Database, Db } from '../db/database.js'
import { tickets } from '../db/schema.js'
import { contextCache, ESCALATION_TIMER, storeDueInstants } from '../scheduling/due-instants.js'
import { lookAhead } from '../scheduling/look-ahead.js'
import { createWakeTimer, type RunOutcome } from '../scheduling/wake-timer.js'
import { fireBatch, type ProcessedTicket } from './firing-batch.js'

export type { CommittedFiring, CommittedSlaWarning, ProcessedTicket } from './firing-batch.js'

export interface SchedulerDeps {
  database: Database
  clock: Clock
  log: FastifyBaseLogger
  /** After each committed batch: tell the space, send the in-app events. */
  delivered(processed: ProcessedTicket[]): Promise<void>
  /** Tickets claimed per transaction. */
  batchSize?: number
  /** Claim loops run side by side while there is more than one batch due. */
  workers?: number
  /**
   * The longest the timer sleeps without looking: covers due instants written by a process
   * that died before it could notify.
   */
  pollMs?: number
}

// a ticket cannot fire more often than it has chains; this only stops a runaway loop
const MAX_FIRINGS_PER_TICKET = 20

interface Batch {
  processed: ProcessedTicket[]
  /** The batch was full: more may be due. */
  full: boolean
  /** What was seen at the end of a batch that was not full. */
  outcome: RunOutcome
}

/**
 * The escalation scheduler (SPEC §6.3-6.4) on the shared wake timer. Every open ticket's next
 * due instant is kept in `tickets.next_due_at` by whoever changes the ticket; the timer sleeps
 * until the earliest, claims due tickets with `FOR UPDATE SKIP LOCKED` (so several processes
 * never fire one ticket twice, and a ticket another transaction holds is skipped, not waited
 * on), fires and stores the next due instant in the same transaction.
 */
export function createRuleFiringScheduler(deps: SchedulerDeps) {
  const { database, clock, log } = deps
  const db: Db = database.db
  const batchSize = deps.batchSize ?? 500
  const workers = Math.max(1, deps.workers ?? 2)
  const firedListeners: Array<(processed: ProcessedTicket[]) => void> = []
  /** What the loop has done since start: the benchmark reads it to show an idle loop costs nothing. */
  const stats = { claims: 0, ticketsEvaluated: 0, firings: 0 }

  /**
   * Recomputes the next due instant of tickets changed outside the ticket service (a script,
   * a test): locked, computed and stored in one transaction.
   */
  async function recompute(ticketIds: string[]): Promise<void> {
    if (ticketIds.length === 0) return
    await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(tickets)
        .where(inArray(tickets.id, ticketIds))
        .orderBy(asc(tickets.id))
        .for('update')
      await storeDueInstants(tx, rows, clock())
    })
  }

  async function claimBatch(now: Date, onlyIds: string[] | null): Promise<Batch> {
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
      const processed =
        rows.length === 0
          ? []
          : await fireBatch(tx, rows, contextCache(tx), now, MAX_FIRINGS_PER_TICKET)
      stats.ticketsEvaluated += rows.length
      const full = rows.length === batchSize
      const outcome = full
        ? { handled: true, busy: false, next: now }
        : await lookAhead(tx, tickets.nextDueAt, isNotNull(tickets.nextDueAt), now, rows.length > 0)
      return { processed, full, outcome }
    })
  }

  /** A batch failed: fire ticket by ticket, and put off the one that keeps failing. */
  async function isolateFailure(now: Date, cause: unknown): Promise<void> {
    const due = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(isNotNull(tickets.nextDueAt), lte(tickets.nextDueAt, now)))
      .orderBy(asc(tickets.nextDueAt))
      .limit(batchSize)
    // nothing to isolate: the failure is not a ticket's (the database is gone); the timer retries
    if (due.length === 0) throw cause
    for (const { id } of due) {
      try {
        const { processed } = await claimBatch(now, [id])
        await deliver(processed)
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

  async function deliver(processed: ProcessedTicket[]): Promise<void> {
    for (const p of processed) stats.firings += p.firings.length
    try {
      await deps.delivered(processed)
    } catch (error) {
      // committed: the outbox keeps what was not delivered
      log.error({ err: error }, 'delivering in-app escalations failed')
    }
    for (const listener of firedListeners) listener(processed)
  }

  /**
   * Fires everything due at `at` (default: the clock's time when each batch is claimed), batch
   * after batch until what is due is done or held by others. A second claim loop joins only
   * when a batch came back full, so a run that finds nothing costs one transaction.
   */
  async function drain(at?: Date): Promise<{ processed: ProcessedTicket[]; outcome: RunOutcome }> {
    const all: ProcessedTicket[] = []
    const seen: RunOutcome[] = []
    async function step(): Promise<boolean> {
      const now = at ?? clock()
      let batch: Batch
      try {
        batch = await claimBatch(now, null)
      } catch (error) {
        log.error({ err: error }, 'an escalation batch failed; isolating the ticket')
        await isolateFailure(now, error)
        return true
      }
      all.push(...batch.processed)
      if (batch.processed.length > 0) await deliver(batch.processed)
      if (!batch.full) seen.push(batch.outcome)
      return batch.full
    }
    async function loop(): Promise<void> {
      while (await step()) {}
    }
    if (await step()) await Promise.all(Array.from({ length: workers }, loop))
    const nexts = seen.flatMap((o) => (o.next ? [o.next.getTime()] : []))
    return {
      processed: all,
      outcome: {
        handled: all.length > 0,
        busy: seen.some((o) => o.busy),
        next: nexts.length > 0 ? new Date(Math.min(...nexts)) : null,
      },
    }
  }

  const timer = createWakeTimer({
    name: ESCALATION_TIMER,
    clock,
    log,
    pollMs: deps.pollMs,
    run: async () => (await drain()).outcome,
  })

  return {
    recompute,
    /**
     * Fires everything due at `at` (SPEC §6.3). Tests call it with their own clock's time;
     * the timer runs the same without, so each batch fires at the clock's time when claimed.
     */
    async runDue(at?: Date): Promise<ProcessedTicket[]> {
      return (await drain(at)).processed
    },
    /** Something is due at `at`: wake then if that is sooner than planned. */
    wake: timer.wake,
    timer,
    /** Calls `listener` after each committed batch the scheduler fired. */
    onFired(listener: (processed: ProcessedTicket[]) => void): void {
      firedListeners.push(listener)
    },
    stats() {
      return { ...stats, wakeups: timer.stats().wakeups, busy: timer.stats().busy }
    },
    /** Fires what fell due while no server ran (SPEC §6.3.4), then sleeps until the next due. */
    start: () => timer.start(),
    stop: () => timer.stop(),
  }
}

export type RuleFiringScheduler = ReturnType<typeof createRuleFiringScheduler>

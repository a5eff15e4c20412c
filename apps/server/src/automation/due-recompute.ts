import type { RecomputeStatus } from '@flare/protocol'
import { and, asc, count, eq, gt, inArray, lt, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import { dueRecomputes, tickets } from '../db/schema.js'
import { loadSpaceContext, RECOMPUTE_TIMER, storeDueInstants } from '../scheduling/due-instants.js'
import { createWakeTimer, type RunOutcome } from '../scheduling/wake-timer.js'
import type { Tx } from '../tickets/ticket-repository.js'

export interface DueRecomputeDeps {
  db: Db
  clock: Clock
  log: FastifyBaseLogger
  /** Open tickets recomputed per transaction. */
  batchSize?: number
}

// spaces looked at per run: more wait for the next
const PENDING_LOOKED_AT = 20

type BatchResult = 'done' | 'locked' | 'finished'

/**
 * The space's tickets whose due instant and SLA a change can move: open ones, and held ones
 * (an SLA keeps running through a hold, SPEC §8.1.2, and the scheduler wakes a held ticket
 * for its SLA transitions). Written as constants, not parameters, so that every plan, generic
 * ones too, can use the partial index `tickets_space_live_idx` that holds exactly these.
 */
function liveIn(spaceId: string) {
  return and(eq(tickets.spaceId, spaceId), sql`${tickets.status} in ('open', 'on_hold')`)
}

/** How many live tickets the space has (on `tickets_space_live_idx`). */
async function countLive(tx: Tx, spaceId: string): Promise<number> {
  const [live] = await tx.select({ n: count() }).from(tickets).where(liveIn(spaceId))
  return live?.n ?? 0
}

/** The next `limit` live tickets of the space after `cursor`, in id order: one index walk. */
async function nextLiveIds(
  tx: Tx,
  spaceId: string,
  cursor: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(liveIn(spaceId), cursor ? gt(tickets.id, cursor) : undefined))
    .orderBy(asc(tickets.id))
    .limit(limit)
  return rows.map((r) => r.id)
}

/**
 * The background recompute of due instants after a rule, calendar or SLA policy change (SPEC §6.4,
 * docs/decisions/0003). The change asked for it in its own transaction (`requestRecompute`);
 * this works through the space's open tickets in id order, a batch per transaction, each
 * batch under the space's advisory lock and with the rules and calendars read in that same
 * transaction. It walks the space's open and held tickets (`liveIn`). So:
 * - a batch never stores an instant older than one a later change computed: the rows are
 *   locked while it computes, and it reads the rules as committed when it began;
 * - any process may take the next batch: the place is kept in `cursor`, so a pass survives
 *   the death of the process that began it;
 * - a change during a pass starts the pass again (the tickets done so far were computed
 *   against the older rules).
 */
export function createDueRecompute(deps: DueRecomputeDeps) {
  const { db, clock, log } = deps
  const batchSize = deps.batchSize ?? 250

  /** One batch of one space's pass, in one transaction. */
  async function batch(spaceId: string): Promise<BatchResult> {
    return db.transaction(async (tx) => {
      // one process at a time per space; the lock goes with the transaction
      const [lock] = await tx
        .select({
          taken: sql<boolean>`pg_try_advisory_xact_lock(hashtext(${`flare:recompute:${spaceId}`}))`,
        })
        .from(dueRecomputes)
        .where(eq(dueRecomputes.spaceId, spaceId))
      if (!lock) return 'finished'
      if (!lock.taken) return 'locked'
      // read after the lock is held: the place as the last batch committed it
      const [state] = await tx
        .select()
        .from(dueRecomputes)
        .where(eq(dueRecomputes.spaceId, spaceId))
      if (!state) return 'finished'
      if (state.finishedGeneration >= state.generation) return 'finished'
      const now = clock()
      let { cursor, done, total, startedAt } = state
      const pass = state.generation
      if (state.passGeneration !== pass) {
        cursor = null
        done = 0
        startedAt = now
        total = await countLive(tx, spaceId)
      }
      const context = await loadSpaceContext(tx, spaceId)
      const ids = await nextLiveIds(tx, spaceId, cursor, batchSize)
      // locked, and read again as locked: one resolved meanwhile is left alone
      const rows =
        ids.length === 0
          ? []
          : await tx
              .select()
              .from(tickets)
              .where(and(inArray(tickets.id, ids), liveIn(spaceId)))
              .orderBy(asc(tickets.id))
              .for('update')
      await storeDueInstants(tx, rows, now, async () => context)
      done += rows.length
      cursor = ids.at(-1) ?? cursor
      const finished = ids.length < batchSize
      // values, not column arithmetic: a change committed meanwhile bumped `generation`,
      // and finishing this pass must leave that one pending
      await tx
        .update(dueRecomputes)
        .set({
          passGeneration: pass,
          cursor,
          done,
          total: Math.max(total, done),
          startedAt,
          ...(finished ? { finishedGeneration: pass } : {}),
        })
        .where(eq(dueRecomputes.spaceId, spaceId))
      return finished ? 'finished' : 'done'
    })
  }

  /** Works through every pending space, a batch each in turn, until none is left to take. */
  async function runPending(): Promise<RunOutcome> {
    let handled = false
    for (;;) {
      const pending = await db
        .select({ spaceId: dueRecomputes.spaceId })
        .from(dueRecomputes)
        .where(lt(dueRecomputes.finishedGeneration, dueRecomputes.generation))
        .orderBy(asc(dueRecomputes.requestedAt))
        .limit(PENDING_LOOKED_AT)
      if (pending.length === 0) return { handled, busy: false, next: null }
      let progressed = false
      let locked = false
      for (const { spaceId } of pending) {
        const result = await batch(spaceId)
        if (result === 'locked') locked = true
        else progressed = true
      }
      handled ||= progressed
      // the rest is another process's to do for now: look again after a backoff, so its
      // death does not leave the recompute half done
      if (!progressed) return { handled, busy: locked, next: null }
    }
  }

  const timer = createWakeTimer({
    name: RECOMPUTE_TIMER,
    clock,
    log,
    run: async () => {
      const outcome = await runPending()
      if (outcome.handled) log.debug('due instants recomputed')
      return outcome
    },
  })

  /** Where the space's recompute stands, for the settings page. */
  async function status(spaceId: string): Promise<RecomputeStatus> {
    const [state] = await db.select().from(dueRecomputes).where(eq(dueRecomputes.spaceId, spaceId))
    if (!state) return { state: 'idle', done: 0, total: 0, startedAt: null }
    const running = state.finishedGeneration < state.generation
    if (running && state.passGeneration !== state.generation) {
      // asked for, not begun: nothing done yet of every open or held ticket
      return {
        state: 'running',
        done: 0,
        total: await countLive(db, spaceId),
        startedAt: state.requestedAt.toISOString(),
      }
    }
    return {
      state: running ? 'running' : 'idle',
      done: state.done,
      total: state.total,
      startedAt: state.startedAt?.toISOString() ?? null,
    }
  }

  return {
    /** Runs every pending recompute to its end now (tests, scripts); the timer does the same. */
    async runPending(): Promise<void> {
      for (;;) {
        const outcome = await runPending()
        if (!outcome.busy) return
        // another process holds a space: wait for its batch rather than leave it pending
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    status,
    wake: timer.wake,
    timer,
    start: () => timer.start(),
    stop: () => timer.stop(),
  }
}

export type DueRecompute = ReturnType<typeof createDueRecompute>

import { and, eq, isNotNull, min } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import { tickets } from '../db/schema.js'

export interface HoldSchedulerDeps {
  db: Db
  clock: Clock
  log: FastifyBaseLogger
  /** Reopens the holds ended by `now`; the ticket service's `checkHolds`. */
  checkHolds(now: Date): Promise<string[]>
  /**
   * The longest the timer sleeps, so a hold set by another server process is reopened by
   * this one too if that process is gone.
   */
  pollMs?: number
}

// setTimeout cannot wait longer than this
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/**
 * Reopens held tickets when their hold ends (SPEC §4), in the server's own process. The
 * ends live in the database, so a restart picks them up: `start` reopens what ended while
 * the server was down and arms a timer for the earliest pending end.
 */
export function createHoldScheduler(deps: HoldSchedulerDeps) {
  const pollMs = Math.min(deps.pollMs ?? 60_000, MAX_TIMEOUT_MS)
  let timer: NodeJS.Timeout | null = null
  let wakeAt: number | null = null
  let stopped = false
  let running: Promise<void> | null = null

  async function earliestHold(): Promise<Date | null> {
    const [row] = await deps.db
      .select({ next: min(tickets.holdUntil) })
      .from(tickets)
      .where(and(eq(tickets.status, 'on_hold'), isNotNull(tickets.holdUntil)))
    return row?.next ?? null
  }

  function arm(at: number): void {
    if (stopped) return
    if (timer) clearTimeout(timer)
    const delay = Math.max(0, Math.min(at - deps.clock().getTime(), pollMs))
    wakeAt = deps.clock().getTime() + delay
    timer = setTimeout(() => {
      timer = null
      wakeAt = null
      void tick()
    }, delay)
    timer.unref()
  }

  async function rearm(): Promise<void> {
    const next = await earliestHold()
    arm(next ? next.getTime() : deps.clock().getTime() + pollMs)
  }

  function tick(): Promise<void> {
    running ??= (async () => {
      try {
        await deps.checkHolds(deps.clock())
      } catch (error) {
        deps.log.error({ err: error }, 'reopening ended holds failed; trying again shortly')
      }
      try {
        await rearm()
      } catch (error) {
        deps.log.error({ err: error }, 'could not find the next hold end')
        arm(deps.clock().getTime() + pollMs)
      }
    })().finally(() => {
      running = null
    })
    return running
  }

  return {
    /** Reopens the holds that ended while the server was down, then waits for the next. */
    start: tick,
    /** A hold ending at `until` was set: wake then if that is sooner than planned. */
    holdSet(until: Date): void {
      if (stopped) return
      if (wakeAt === null || until.getTime() < wakeAt) arm(until.getTime())
    },
    async stop(): Promise<void> {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      await running
    },
  }
}

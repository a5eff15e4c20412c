import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import type { RunOutcome, WakeTimer } from '../scheduling/wake-timer.js'
import { createWakeTimer } from '../scheduling/wake-timer.js'

export interface HoldSchedulerDeps {
  clock: Clock
  log: FastifyBaseLogger
  /** Reopens one batch of the holds ended by `now`; the ticket service's `reopenEndedHolds`. */
  reopenEndedHolds(now: Date): Promise<{ outcome: RunOutcome }>
}

/**
 * Reopens held tickets when their hold ends (SPEC §4), on the shared wake timer. The ends live
 * in the database, so a restart picks them up: `start` reopens what ended while the server was
 * down, then the timer sleeps until the earliest pending end (or the poll, for holds set by a
 * process that is gone).
 */
export function createHoldScheduler(deps: HoldSchedulerDeps): WakeTimer {
  return createWakeTimer({
    name: 'holds',
    clock: deps.clock,
    log: deps.log,
    run: async () => (await deps.reopenEndedHolds(deps.clock())).outcome,
  })
}

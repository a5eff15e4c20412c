import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'

// setTimeout cannot wait longer than this
const MAX_TIMEOUT_MS = 2 ** 31 - 1

export interface WakeTimerOptions {
  /** Names the loop in its log lines. */
  name: string
  clock: Clock
  log: FastifyBaseLogger
  /**
   * The earliest instant anything is due (in the past when something is due now), or null.
   * Asked after a run that answered a plain boolean; a run that answers a `RunOutcome` has
   * said it already.
   */
  earliest?(): Promise<Date | null>
  /**
   * Does everything due now. Answers whether it handled anything: when something is due but
   * nothing could be handled (another transaction holds it locked), the timer backs off
   * instead of spinning. A run that claims rows itself can answer a `RunOutcome` instead,
   * read in its own transaction, which saves the timer a query of its own.
   */
  run(): Promise<boolean | RunOutcome>
  /**
   * The longest the timer sleeps without looking: covers due instants written by a process
   * that died before it could tell the others.
   */
  pollMs?: number
  /** The first retry after a failure; it doubles up to `retryMaxMs`. */
  retryInitialMs?: number
  retryMaxMs?: number
  /** While due work is locked by someone else: the first wait, doubling up to `busyMaxMs`. */
  busyInitialMs?: number
  busyMaxMs?: number
}

/** What a run saw, in the same transaction as its claim. */
export interface RunOutcome {
  handled: boolean
  /**
   * Due work is there that another transaction holds locked: the timer looks again after a
   * backoff (100 ms doubling to 1 s), or at `next` if that is sooner.
   */
  busy: boolean
  /** The earliest instant something not locked is due next, or null. */
  next: Date | null
}

export interface WakeTimer {
  /** Runs what is due now (what fell due while no server ran), then sleeps until the next. */
  start(): Promise<void>
  /**
   * Something is due at `at` (default: now): wake then if that is sooner than planned. Also
   * the way to say "the database is back": the pending retry is brought forward.
   */
  wake(at?: Date): void
  stop(): Promise<void>
  /** What the loop has done since start: benchmarks read it to show an idle loop costs nothing. */
  stats(): Readonly<WakeTimerStats>
}

export interface WakeTimerStats {
  /** Times the loop woke and ran. */
  wakeups: number
  /** Runs that failed (the database was unreachable, a query failed). */
  failures: number
  /** Runs that found due work they could not take (locked by another transaction). */
  busy: number
}

/**
 * The one "sleep until the earliest due instant" loop, shared by every scheduler (ticket
 * escalations, holds, notification delivery). One run at a time; a wake while running is
 * remembered and honoured after it. On failure it retries after 1 s, doubling to at most
 * 30 s, and logs once per outage rather than once per retry.
 *
 * @example
 * const timer = createWakeTimer({ name: 'holds', clock, log, earliest, run: reopenDue })
 * await timer.start()
 * timer.wake(hold.until)
 */
export function createWakeTimer(options: WakeTimerOptions): WakeTimer {
  const { clock, log, name } = options
  const pollMs = Math.min(options.pollMs ?? 60_000, MAX_TIMEOUT_MS)
  const retryInitialMs = options.retryInitialMs ?? 1_000
  const retryMaxMs = options.retryMaxMs ?? 30_000
  const busyInitialMs = options.busyInitialMs ?? 100
  const busyMaxMs = options.busyMaxMs ?? 1_000
  const stats: WakeTimerStats = { wakeups: 0, failures: 0, busy: 0 }

  let timer: NodeJS.Timeout | null = null
  let wakeAt: number | null = null
  let started = false
  let stopped = false
  let running: Promise<void> | null = null
  // a wake that came while running: it may be for work the run's last look did not see
  let pendingWake: number | null = null
  let failures = 0
  let busyDelay = 0

  function arm(at: number): void {
    if (stopped) return
    if (timer) clearTimeout(timer)
    const now = clock().getTime()
    const delay = Math.max(0, Math.min(at - now, pollMs))
    wakeAt = now + delay
    timer = setTimeout(() => {
      timer = null
      wakeAt = null
      void tick()
    }, delay)
    timer.unref()
  }

  /** When to look next after a run that went through. */
  function nextAfterSuccess(outcome: RunOutcome): number {
    const now = clock().getTime()
    const { next } = outcome
    const dueNow = next !== null && next.getTime() <= now
    if (outcome.busy || (dueNow && !outcome.handled)) {
      // due but taken by another transaction: wait for its lock to go, without spinning
      busyDelay = Math.min(busyDelay > 0 ? busyDelay * 2 : busyInitialMs, busyMaxMs)
      stats.busy += 1
      const retry = now + busyDelay
      return next && !dueNow ? Math.min(retry, next.getTime()) : retry
    }
    busyDelay = 0
    return next ? next.getTime() : now + pollMs
  }

  async function runOnce(): Promise<RunOutcome> {
    const result = await options.run()
    if (typeof result !== 'boolean') return result
    const next = options.earliest ? await options.earliest() : null
    return { handled: result, busy: false, next }
  }

  function nextAfterFailure(error: unknown): number {
    failures += 1
    stats.failures += 1
    const delay = Math.min(retryInitialMs * 2 ** (failures - 1), retryMaxMs)
    if (failures === 1) {
      log.error({ err: error, loop: name }, `${name}: failed; retrying with backoff until it works`)
    } else {
      log.debug({ loop: name, failures, delay }, `${name}: still failing`)
    }
    return clock().getTime() + delay
  }

  function tick(): Promise<void> {
    running ??= (async () => {
      stats.wakeups += 1
      let next: number
      try {
        const outcome = await runOnce()
        if (failures > 0) log.info({ loop: name, failures }, `${name}: working again`)
        failures = 0
        next = nextAfterSuccess(outcome)
      } catch (error) {
        next = nextAfterFailure(error)
      }
      if (pendingWake !== null) {
        next = Math.min(next, pendingWake)
        pendingWake = null
      }
      arm(next)
    })().finally(() => {
      running = null
    })
    return running
  }

  return {
    async start() {
      started = true
      await tick()
    },
    wake(at) {
      if (!started || stopped) return
      const when = at ? at.getTime() : clock().getTime()
      if (running) {
        pendingWake = pendingWake === null ? when : Math.min(pendingWake, when)
        return
      }
      if (wakeAt === null || when < wakeAt) arm(when)
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      await running
    },
    stats: () => ({ ...stats }),
  }
}

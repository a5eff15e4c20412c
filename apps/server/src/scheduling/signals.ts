import { sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import fp from 'fastify-plugin'
import type { Database, Db } from '../db/database.js'
import type { WakeTimer } from './wake-timer.js'

/** The one LISTEN/NOTIFY channel every scheduler's cross-process wake-ups travel on. */
export const SCHEDULER_CHANNEL = 'flare_scheduler'

/**
 * Inside a transaction: at its commit, every process (this one too) wakes its timer `name` at
 * `at` (default: now) if that is sooner than it planned. A NOTIFY of a rolled-back
 * transaction is never delivered, so nobody wakes for work that did not happen.
 */
export async function signalTimer(
  tx: Pick<Db, 'execute'>,
  name: string,
  at: Date | null = null,
): Promise<void> {
  const payload = `${name}:${at ? at.getTime() : ''}`
  await tx.execute(sql`select pg_notify(${SCHEDULER_CHANNEL}, ${payload})`)
}

export interface TimerSignals {
  /**
   * Wakes `timer` when another process signals `name`, and whenever the database comes back
   * after an outage (the LISTEN connection is re-established), so what fell due while it was
   * away runs at once rather than at the timer's next retry.
   */
  attach(name: string, timer: WakeTimer): void
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Cross-process wake-ups for the wake timers (LISTEN on `flare_scheduler`). */
    timerSignals: TimerSignals
  }
}

function parse(payload: string): { name: string; at: Date | undefined } | null {
  const colon = payload.lastIndexOf(':')
  if (colon <= 0) return null
  const name = payload.slice(0, colon)
  const millis = payload.slice(colon + 1)
  if (millis === '') return { name, at: undefined }
  const at = Number(millis)
  return Number.isFinite(at) ? { name, at: new Date(at) } : null
}

export function createTimerSignals(database: Database, log: FastifyBaseLogger) {
  const timers = new Map<string, WakeTimer[]>()
  let listens = 0
  let unlisten: (() => Promise<void>) | null = null

  function onNotify(payload: string): void {
    const signal = parse(payload)
    if (!signal) return
    for (const timer of timers.get(signal.name) ?? []) timer.wake(signal.at)
  }

  function onListen(): void {
    listens += 1
    // the first LISTEN is the start, not a return
    if (listens === 1) return
    log.info('the database is back: waking every timer')
    for (const list of timers.values()) for (const timer of list) timer.wake()
  }

  return {
    attach(name: string, timer: WakeTimer): void {
      const list = timers.get(name) ?? []
      list.push(timer)
      timers.set(name, list)
    },
    async start(): Promise<void> {
      try {
        unlisten = await database.listen(SCHEDULER_CHANNEL, onNotify, onListen)
      } catch (error) {
        log.warn({ err: error }, 'LISTEN failed: other processes wake this one only by polling')
      }
    },
    async stop(): Promise<void> {
      await unlisten?.().catch(() => {})
      unlisten = null
    },
  }
}

/** Decorates `app.timerSignals`; listens from the start, stops before the database closes. */
export const timerSignalsPlugin = fp(
  async (app) => {
    const signals = createTimerSignals(app.database, app.log.child({ feature: 'scheduling' }))
    await signals.start()
    app.decorate('timerSignals', { attach: signals.attach } satisfies TimerSignals)
    app.addHook('preClose', async () => {
      await signals.stop()
    })
  },
  { name: 'timer-signals', dependencies: ['database'] },
)

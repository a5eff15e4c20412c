import { lt, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { rateLimitWindows } from '../db/schema.js'

/** At most `limit` hits per `windowMs` for one key. */
export interface WindowLimit {
  limit: number
  windowMs: number
}

const FORGET_AFTER_MS = 60 * 60_000
const CLEANUP_EVERY_MS = 10 * 60_000

/**
 * Fixed-window counters in the database (`rate_limit_windows`), so a limit holds across server
 * processes. Each hit is one atomic upsert: a burst of parallel hits, on one process or several,
 * is counted exactly, because the row lock orders them.
 */
export function createRateWindows(db: Db) {
  let lastCleanup = 0

  return {
    /**
     * Counts one hit against `key`. Returns null when it is within the limit, or how long until
     * the window ends and hits are allowed again.
     */
    async hit(key: string, { limit, windowMs }: WindowLimit, now: Date): Promise<number | null> {
      if (now.getTime() - lastCleanup > CLEANUP_EVERY_MS) {
        lastCleanup = now.getTime()
        await db
          .delete(rateLimitWindows)
          .where(lt(rateLimitWindows.windowStartedAt, new Date(now.getTime() - FORGET_AFTER_MS)))
      }
      const windowStart = new Date(now.getTime() - windowMs).toISOString()
      const expired = sql`${rateLimitWindows.windowStartedAt} <= ${windowStart}::timestamptz`
      const [row] = await db
        .insert(rateLimitWindows)
        .values({ key, windowStartedAt: now, hits: 1 })
        .onConflictDoUpdate({
          target: rateLimitWindows.key,
          set: {
            hits: sql`case when ${expired} then 1 else ${rateLimitWindows.hits} + 1 end`,
            windowStartedAt: sql`case when ${expired} then ${now.toISOString()}::timestamptz else ${rateLimitWindows.windowStartedAt} end`,
          },
        })
        .returning({ hits: rateLimitWindows.hits, startedAt: rateLimitWindows.windowStartedAt })
      if (!row || row.hits <= limit) return null
      return Math.max(1, row.startedAt.getTime() + windowMs - now.getTime())
    },
  }
}

export type RateWindows = ReturnType<typeof createRateWindows>

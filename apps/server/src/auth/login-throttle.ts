import { and, eq, isNull, lt, lte, or, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { loginThrottles } from '../db/schema.js'
import type { Clock } from './identity.js'
import { hashSecret } from './secrets.js'

/** How many failed logins are tolerated, and how long a lock lasts (README "Limits"). */
export interface LoginLimits {
  /** Failed attempts one account (normalised email) may have before it is locked. */
  accountFailures: number
  /** Failed attempts from one address, across accounts, before the address is locked. */
  addressFailures: number
  /** The first lock; every further failure doubles it, up to `maxLockMs`. */
  firstLockMs: number
  maxLockMs: number
  /** A counter with no attempt for this long starts again from zero. */
  forgetAfterMs: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  accountFailures: 5,
  addressFailures: 20,
  firstLockMs: 60_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
}

type Scope = 'account' | 'address'

/** A refused attempt: how long until the next one may be tried. */
export interface LoginRefusal {
  retryAfterMs: number
}

const CLEANUP_EVERY_MS = 10 * 60_000

/**
 * Failed-login limits per account and per address, kept in the database so that every server
 * process counts the same attempts. An attempt is counted *before* its password is checked
 * (a burst of parallel guesses cannot all slip in before the first failure is recorded); a
 * success gives its account a clean slate and the address its one attempt back.
 */
export function createLoginThrottle(db: Db, clock: Clock, limits: LoginLimits) {
  let lastCleanup = 0

  function allowedFor(scope: Scope): number {
    return scope === 'account' ? limits.accountFailures : limits.addressFailures
  }

  /**
   * Counts one attempt against a key unless it is locked. Returns null when the attempt may
   * go ahead, or how long to wait. One conditional UPDATE: two processes counting the same
   * key at once are serialised by its row lock, and a lock one of them sets stops the other.
   */
  async function reserve(scope: Scope, key: string, now: Date): Promise<LoginRefusal | null> {
    const keyHash = hashSecret(`${scope}:${key}`)
    await db
      .insert(loginThrottles)
      .values({ scope, keyHash, failures: 0, lastAttemptAt: now, lockedUntil: null })
      .onConflictDoNothing()
    const at = now.toISOString()
    const forgetBefore = new Date(now.getTime() - limits.forgetAfterMs).toISOString()
    const allowed = allowedFor(scope)
    const next = sql`(case when ${loginThrottles.lastAttemptAt} < ${forgetBefore}::timestamptz then 1 else ${loginThrottles.failures} + 1 end)`
    // the exponent is capped so that a counter kept busy for days cannot overflow the double
    const lock = sql`(case when ${next} >= ${allowed} then ${at}::timestamptz + least(${limits.maxLockMs}::float8, ${limits.firstLockMs}::float8 * power(2, least(${next} - ${allowed}, 30))) * interval '1 millisecond' else null end)`
    const updated = await db
      .update(loginThrottles)
      .set({ failures: next, lastAttemptAt: now, lockedUntil: lock })
      .where(
        and(
          eq(loginThrottles.scope, scope),
          eq(loginThrottles.keyHash, keyHash),
          or(isNull(loginThrottles.lockedUntil), lte(loginThrottles.lockedUntil, now)),
        ),
      )
      .returning({ failures: loginThrottles.failures })
    if (updated.length > 0) return null
    const [row] = await db
      .select({ lockedUntil: loginThrottles.lockedUntil })
      .from(loginThrottles)
      .where(and(eq(loginThrottles.scope, scope), eq(loginThrottles.keyHash, keyHash)))
    const until = row?.lockedUntil?.getTime() ?? now.getTime()
    return { retryAfterMs: Math.max(1000, until - now.getTime()) }
  }

  async function forgetOldCounters(now: Date): Promise<void> {
    if (now.getTime() - lastCleanup < CLEANUP_EVERY_MS) return
    lastCleanup = now.getTime()
    await db
      .delete(loginThrottles)
      .where(
        and(
          lt(loginThrottles.lastAttemptAt, new Date(now.getTime() - limits.forgetAfterMs)),
          or(isNull(loginThrottles.lockedUntil), lt(loginThrottles.lockedUntil, now)),
        ),
      )
  }

  return {
    /**
     * Call before checking a password. `email` must already be normalised (`normaliseEmail`).
     * The address is checked first, so a locked address does not wear down the account's count.
     */
    async admit(email: string, address: string): Promise<LoginRefusal | null> {
      const now = clock()
      await forgetOldCounters(now)
      return (await reserve('address', address, now)) ?? (await reserve('account', email, now))
    },

    /** The password was right: the account starts afresh, the address gets its attempt back. */
    async succeeded(email: string, address: string): Promise<void> {
      await db
        .delete(loginThrottles)
        .where(
          and(
            eq(loginThrottles.scope, 'account'),
            eq(loginThrottles.keyHash, hashSecret(`account:${email}`)),
          ),
        )
      const allowed = allowedFor('address')
      await db
        .update(loginThrottles)
        .set({
          failures: sql`greatest(${loginThrottles.failures} - 1, 0)`,
          lockedUntil: sql`(case when ${loginThrottles.failures} - 1 >= ${allowed} then ${loginThrottles.lockedUntil} else null end)`,
        })
        .where(
          and(
            eq(loginThrottles.scope, 'address'),
            eq(loginThrottles.keyHash, hashSecret(`address:${address}`)),
          ),
        )
    },
  }
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>

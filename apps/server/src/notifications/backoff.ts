/** How the worker spaces its tries of one row, and when it gives up (SPEC §7). */
export interface RetryPolicy {
  /** The first wait after a failure. */
  initialMs: number
  /**
   * The longest wait between tries without `Retry-After`: after an outage ends, every row is
   * tried again within this long (the bar: ≤ 1 minute).
   */
  maxBackoffMs: number
  /** The longest `Retry-After` honoured; a provider asking for more is tried after this. */
  maxRetryAfterMs: number
  /** Tries before a row fails for good. */
  maxAttempts: number
  /** How long after it was queued a row may still be tried. */
  maxAgeMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialMs: 1_000,
  maxBackoffMs: 60_000,
  maxRetryAfterMs: 10 * 60_000,
  // with waits capped at a minute: about 45 minutes of an outage before a row fails
  maxAttempts: 50,
  maxAgeMs: 6 * 60 * 60_000,
}

/**
 * The wait before the next try after `attempts` failed ones: exponential (1 s, 2 s, 4 s, …)
 * up to the cap, with "equal jitter" (between half and all of it) so rows that failed together
 * do not all come back together; never sooner than the provider's `Retry-After`.
 *
 * @example
 * retryDelayMs(DEFAULT_RETRY_POLICY, 3, null, () => 0.5) // → 3000 (4 s, jittered to 3 s)
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempts: number,
  retryAfterMs: number | null,
  random: () => number,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30)
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialMs * 2 ** exponent)
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2))
  if (retryAfterMs === null) return jittered
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs))
}

/** Whether a row that just failed its `attempts`-th try, queued at `queuedAt`, is done for. */
export function shouldGiveUp(
  policy: RetryPolicy,
  attempts: number,
  queuedAt: Date,
  nextTryAt: Date,
): boolean {
  return (
    attempts >= policy.maxAttempts || nextTryAt.getTime() - queuedAt.getTime() > policy.maxAgeMs
  )
}

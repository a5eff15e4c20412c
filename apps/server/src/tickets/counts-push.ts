import type { TicketCounts } from '@flare/protocol'
import type { FastifyBaseLogger } from 'fastify'

/** How long a space's changes gather before its counts are told: about once a second at most. */
export const COUNTS_PUSH_MS = 1_000

/**
 * The space's waiting and escalated counts (SPEC §4.2.1), told to its members after tickets
 * change (`ticket:counts`): counted once by the process that made the change, for everyone,
 * at most once per `COUNTS_PUSH_MS` per space however busy it is. Each page asking for them
 * instead would be a query per member per change: thousands a second on a busy floor.
 */
export function createCountsPush(deps: {
  count(spaceId: string): Promise<TicketCounts>
  push(spaceId: string, counts: TicketCounts): void
  log: FastifyBaseLogger
  delayMs?: number
}) {
  const due = new Map<string, ReturnType<typeof setTimeout>>()
  let stopped = false

  function changed(spaceId: string): void {
    if (stopped || due.has(spaceId)) return
    const timer = setTimeout(() => {
      due.delete(spaceId)
      deps
        .count(spaceId)
        .then((counts) => {
          if (!stopped) deps.push(spaceId, counts)
        })
        .catch((err: unknown) => {
          // the database is away: the next change tells them, and pages read them with the list
          deps.log.warn({ err, spaceId }, 'could not count the tickets to tell the space')
        })
    }, deps.delayMs ?? COUNTS_PUSH_MS)
    timer.unref()
    due.set(spaceId, timer)
  }

  function stop(): void {
    stopped = true
    for (const timer of due.values()) clearTimeout(timer)
    due.clear()
  }

  return { changed, stop }
}

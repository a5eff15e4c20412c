import { and, asc, gt, lte, type SQL } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { tickets } from '../db/schema.js'
import type { RunOutcome } from './wake-timer.js'

/**
 * What a claiming run tells its wake timer, read at the end of its own claim transaction (no
 * second round trip): the next instant something is due after `now`, and whether something
 * is due by `now` that the claim did not get, which after a claim with `SKIP LOCKED` means
 * another transaction holds it locked. Both are index lookups on the due column.
 */
export async function lookAhead(
  tx: Pick<Db, 'select'>,
  due: typeof tickets.nextDueAt | typeof tickets.holdUntil,
  pending: SQL | undefined,
  now: Date,
  handled: boolean,
): Promise<RunOutcome> {
  const [next] = await tx
    .select({ at: due })
    .from(tickets)
    .where(and(pending, gt(due, now)))
    .orderBy(asc(due))
    .limit(1)
  const [left] = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(pending, lte(due, now)))
    .limit(1)
  return { handled, busy: left !== undefined, next: next?.at ?? null }
}

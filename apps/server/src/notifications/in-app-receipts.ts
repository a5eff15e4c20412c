import type {
  TicketAlertDto,
  TicketReceipt,
  TicketReceiptResult,
  TicketSlaWarningEvent,
} from '@flare/protocol'
import { and, desc, eq, gt, inArray, lte, or } from 'drizzle-orm'
import type { Clock } from '../auth/identity.js'
import { loadTranscripts, transcriptFields } from '../automation/transcripts.js'
import type { Db } from '../db/database.js'
import { escalationFirings, notificationOutbox, slaWarnings, tickets } from '../db/schema.js'
import { notFound } from '../errors.js'
import type { ClientEventHandlers } from '../realtime/socket-handlers.js'
import { isInForce } from '../tickets/waiting-state.js'
import { DEFAULT_RETRY_POLICY } from './backoff.js'
import { historyEntryOf } from './message-facts.js'

/**
 * How long an in-app escalation waits for a client of its target to show it: as long as any
 * other delivery is tried. After that its row fails ("not received") and snapshots drop it.
 */
export const IN_APP_MAX_AGE_MS = DEFAULT_RETRY_POLICY.maxAgeMs

/** At most this many pop-ups in one snapshot (the newest): a flood would bury the screen. */
const SNAPSHOT_LIMIT = 50

/** The error kept on an in-app row nobody's client showed in time. */
export const NOT_RECEIVED = `no client of the target showed it within ${IN_APP_MAX_AGE_MS / 3_600_000} h`

/**
 * The `in_app` outbox rows of `userIds` in the space queued less than `IN_APP_MAX_AGE_MS`
 * before `now`, shown or not (`notification_outbox_in_app_idx`): the escalations whose cards a
 * snapshot may bring back.
 */
function recentInApp(spaceId: string, userIds: readonly string[], now: Date) {
  return and(
    inArray(
      notificationOutbox.target,
      [...new Set(userIds)].map((id) => `user:${id}`),
    ),
    eq(notificationOutbox.spaceId, spaceId),
    eq(notificationOutbox.channel, 'in_app'),
    gt(notificationOutbox.queuedAt, new Date(now.getTime() - IN_APP_MAX_AGE_MS)),
  )
}

/**
 * The `in_app` outbox rows of `userIds` in the space that no client of theirs has shown yet:
 * still `pending` and queued less than `IN_APP_MAX_AGE_MS` before `now` (the partial
 * `notification_outbox_unreceived_idx`): the SLA warnings a snapshot brings.
 */
function unreceivedInApp(spaceId: string, userIds: readonly string[], now: Date) {
  return and(recentInApp(spaceId, userIds, now), eq(notificationOutbox.state, 'pending'))
}

/** The ticket fields a pop-up or an amber card shows (`TicketSummary`). */
const ticketSummary = {
  id: tickets.id,
  subject: tickets.subject,
  customerName: tickets.customerName,
  priority: tickets.priority,
  inboxId: tickets.inboxId,
  createdAt: tickets.createdAt,
}

/**
 * Rows of several people, newest first, as each person's newest `SNAPSHOT_LIMIT` in the order
 * they happened (oldest first): a flood would bury the screen.
 */
function newestOfEach<R extends { target: string }>(rows: readonly R[]): Map<string, R[]> {
  const byUser = new Map<string, R[]>()
  for (const row of rows) {
    const userId = row.target.slice('user:'.length)
    const mine = byUser.get(userId) ?? []
    if (mine.length < SNAPSHOT_LIMIT) mine.push(row)
    byUser.set(userId, mine)
  }
  for (const mine of byUser.values()) mine.reverse()
  return byUser
}

/**
 * The escalations whose pop-ups each of `userIds` should have on a page that opens now (their
 * `space:snapshot`'s `ticketAlerts`, SPEC §7.2.1.1): every in-app one that no client of theirs
 * has shown yet, and every one a client of theirs showed that is still live: nobody on its
 * chain, and the customer still waiting since before it fired (no reply, hold or resolve
 * since), within `IN_APP_MAX_AGE_MS`. Those come `received`, so the page shows the card again
 * without its sound. One indexed query for everyone whose snapshot goes out in one presence
 * flush, and one for the transcripts: a join storm's snapshots cost two queries per flush, not
 * two per connection. At most `SNAPSHOT_LIMIT` (the newest) per person.
 */
export async function ticketAlertsOf(
  db: Db,
  spaceId: string,
  userIds: readonly string[],
  now: Date,
): Promise<Map<string, TicketAlertDto[]>> {
  const byUser = new Map<string, TicketAlertDto[]>()
  if (userIds.length === 0) return byUser
  const found = await db
    .select({
      target: notificationOutbox.target,
      state: notificationOutbox.state,
      firing: escalationFirings,
      ticket: {
        ...ticketSummary,
        escalationHistory: tickets.escalationHistory,
        acknowledgements: tickets.acknowledgements,
        openSince: tickets.openSince,
      },
    })
    .from(notificationOutbox)
    .innerJoin(escalationFirings, eq(escalationFirings.id, notificationOutbox.firingId))
    .innerJoin(tickets, eq(tickets.id, escalationFirings.ticketId))
    .where(
      and(
        recentInApp(spaceId, userIds, now),
        or(
          eq(notificationOutbox.state, 'pending'),
          // shown, and the waiting it was about still runs
          and(
            eq(notificationOutbox.state, 'sent'),
            lte(tickets.waitingSince, escalationFirings.escalatedAt),
          ),
        ),
      ),
    )
    .orderBy(desc(escalationFirings.escalatedAt))
  // who is on the firing's chain now (SPEC §11.2)
  const holderOf = ({ firing, ticket }: (typeof found)[number]) =>
    ticket.acknowledgements.find(
      (a) => a.chain === (firing.chain ?? 'default') && isInForce(a, now, ticket.openSince),
    )
  // a shown one somebody took has done its job (its flare says who is on it)
  const kept = newestOfEach(found.filter((row) => row.state === 'pending' || !holderOf(row)))
  const rows = [...kept.values()].flat()
  // the pop-up from a snapshot says what the live one said: the trigger (its words are in the
  // reason) and the end of the conversation
  const transcripts = await loadTranscripts(db, [...new Set(rows.map((r) => r.ticket.id))])
  const alertOf = (row: (typeof rows)[number]): TicketAlertDto => {
    const { firing, ticket, state } = row
    const entry = historyEntryOf(ticket.escalationHistory, firing)
    const chain = firing.chain ?? 'default'
    // as `ticket:acknowledged` said it
    const held = holderOf(row)
    return {
      event: {
        firingId: firing.id,
        ticket: {
          id: ticket.id,
          subject: ticket.subject,
          customerName: ticket.customerName,
          priority: ticket.priority,
          inboxId: ticket.inboxId,
          createdAt: ticket.createdAt.toISOString(),
        },
        ruleId: firing.ruleId,
        ruleName: entry?.ruleName ?? 'a rule',
        level: firing.level,
        reason: entry?.reason ?? 'Escalated',
        escalatedAt: firing.escalatedAt.toISOString(),
        targetUserIds: firing.targetUserIds,
        chain,
        ...(entry?.cause ? { cause: entry.cause } : {}),
        ...(entry?.trigger ? { trigger: { kind: entry.trigger, words: [] } } : {}),
        ...transcriptFields(transcripts.get(ticket.id)),
      },
      acknowledged: held
        ? {
            firingId: held.firingId,
            ticketId: firing.ticketId,
            userId: held.userId,
            at: held.acknowledgedAt,
            chain,
            snoozedUntil: held.snoozedUntil,
            via: held.via,
          }
        : null,
      ...(state === 'sent' ? { received: true } : {}),
    }
  }
  for (const [userId, mine] of kept) byUser.set(userId, mine.map(alertOf))
  return byUser
}

/**
 * The SLA pre-breach warnings for each of `userIds` in the space that no client of theirs has
 * shown yet (their `in_app` rows still `pending`, queued less than `IN_APP_MAX_AGE_MS` ago),
 * oldest first, at most `SNAPSHOT_LIMIT` (the newest) each: the amber cards a snapshot brings
 * to someone who had no tab open when the ticket became at risk (SPEC §8.1.5). One query per
 * flush, on the same partial index as the escalations'.
 */
export async function unreceivedSlaWarningsOf(
  db: Db,
  spaceId: string,
  userIds: readonly string[],
  now: Date,
): Promise<Map<string, TicketSlaWarningEvent[]>> {
  const byUser = new Map<string, TicketSlaWarningEvent[]>()
  if (userIds.length === 0) return byUser
  const found = await db
    .select({
      target: notificationOutbox.target,
      warning: slaWarnings,
      ticket: ticketSummary,
    })
    .from(notificationOutbox)
    .innerJoin(slaWarnings, eq(slaWarnings.id, notificationOutbox.slaWarningId))
    .innerJoin(tickets, eq(tickets.id, slaWarnings.ticketId))
    .where(unreceivedInApp(spaceId, userIds, now))
    .orderBy(desc(slaWarnings.warnedAt), desc(slaWarnings.id))
  for (const [userId, mine] of newestOfEach(found)) {
    byUser.set(
      userId,
      mine.map(({ warning, ticket }) => ({
        warningId: warning.id,
        ticket: { ...ticket, createdAt: ticket.createdAt.toISOString() },
        metric: warning.metric,
        status: warning.status,
        at: warning.at.toISOString(),
        dueAt: warning.dueAt.toISOString(),
        targetUserIds: warning.targetUserIds,
      })),
    )
  }
  return byUser
}

/**
 * A delivery receipt (`ticket:receipt`): a client of `userId` showed the pop-up of a firing
 * (`{firingId}`) or the amber card of an SLA warning (`{warningId}`), so its `in_app` row for
 * them is `sent` (SPEC §7.2.1, §8.1.5). Idempotent: a second client's receipt answers `first:
 * false`. A row that had failed as not received is sent after all: the person saw it late.
 * Refused with `NOT_FOUND` when it never went to them in the app.
 */
export async function recordReceipt(
  deps: { db: Db; clock: Clock },
  spaceId: string,
  userId: string,
  receipt: TicketReceipt,
): Promise<TicketReceiptResult> {
  const about =
    'firingId' in receipt
      ? eq(notificationOutbox.firingId, receipt.firingId)
      : eq(notificationOutbox.slaWarningId, receipt.warningId)
  const named = (receivedAt: Date, first: boolean): TicketReceiptResult =>
    'firingId' in receipt
      ? { firingId: receipt.firingId, receivedAt: receivedAt.toISOString(), first }
      : { warningId: receipt.warningId, receivedAt: receivedAt.toISOString(), first }
  const mine = and(
    about,
    eq(notificationOutbox.spaceId, spaceId),
    eq(notificationOutbox.target, `user:${userId}`),
    eq(notificationOutbox.channel, 'in_app'),
  )
  const at = deps.clock()
  // the conditional update is the record: of two clients at once, one is first
  const [updated] = await deps.db
    .update(notificationOutbox)
    .set({
      state: 'sent',
      sentAt: at,
      lastAttemptAt: at,
      attempts: 1,
      lastError: null,
      updatedAt: at,
    })
    .where(and(mine, inArray(notificationOutbox.state, ['pending', 'failed'])))
    .returning({ sentAt: notificationOutbox.sentAt })
  if (updated?.sentAt) return named(updated.sentAt, true)
  const [row] = await deps.db
    .select({ sentAt: notificationOutbox.sentAt })
    .from(notificationOutbox)
    .where(mine)
  if (!row) throw notFound('Nothing of yours with this id reached you in the app.')
  return named(row.sentAt ?? at, false)
}

/** The socket handler of delivery receipts, for one connection. */
export function createReceiptHandlers(deps: {
  db: Db
  clock: Clock
  spaceId: string
  userId: string
}) {
  return {
    'ticket:receipt': async (receipt) => ({
      ok: true,
      ...(await recordReceipt(deps, deps.spaceId, deps.userId, receipt)),
    }),
  } satisfies ClientEventHandlers
}

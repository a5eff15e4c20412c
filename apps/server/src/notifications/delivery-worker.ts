import { randomUUID } from 'node:crypto'
import type { TemplateChannel } from '@flare/protocol'
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import { smsReplyCode } from '../automation/ack-links.js'
import type { Database, Db } from '../db/database.js'
import { notificationOutbox, ticketMessages, users } from '../db/schema.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, shouldGiveUp } from './backoff.js'
import {
  channelOf,
  type Delivered,
  type DeliveryContext,
  DeliveryError,
  type OutboxRow,
  QUEUED_CHANNELS,
} from './channels/index.js'
import { IN_APP_MAX_AGE_MS, NOT_RECEIVED } from './in-app-receipts.js'
import { loadFacts, type MessageFacts } from './message-facts.js'
import { sendOutbound } from './outbound-http.js'
import { loadTemplate } from './template-store.js'
import { renderFor } from './templates.js'

export interface DeliverySettings {
  publicUrl: string
  mailFrom: string
  smtpUrl: string | null
  sms: { apiUrl: string; accountSid: string; authToken: string } | null
  allowPrivateUrls: boolean
  /** Signs an "I'm on it" link for one outbox row of a firing (SPEC §11.2.1). */
  ackLink?(outboxId: string, escalatedAt: Date): string
}

export interface DeliveryWorkerDeps {
  database: Database
  clock: Clock
  log: FastifyBaseLogger
  settings: DeliverySettings
  vapid(): Promise<{ publicKey: string; privateKey: string; subject: string }>
  policy?: RetryPolicy
  /** Jitter's randomness; tests pass their own. */
  random?: () => number
  /** Rows claimed and sent side by side per round. */
  batchSize?: number
  /**
   * How long a claimed row is this process's alone. Longer than any one send can take (every
   * send has `sendTimeoutMs` per step), so a live process never loses a row it is sending.
   */
  leaseMs?: number
  sendTimeoutMs?: number
  /** A staff reply's delivery state changed (committed): the ticket view shows it. */
  replyStateChanged?(row: OutboxRow): void
}

/** What became of one claimed row. */
export type Outcome =
  | { id: string; result: 'sent'; captured: boolean }
  | { id: string; result: 'retry'; error: string; nextAttemptAt: Date }
  | { id: string; result: 'failed'; error: string }
  | { id: string; result: 'lease-lost' }

/**
 * The delivery worker (SPEC §7): sends what the outbox holds, in every server process.
 *
 * Claiming is one statement: due rows are locked with `FOR UPDATE SKIP LOCKED` (so two
 * processes never claim one row) and leased: `next_attempt_at` moves to the end of the lease
 * and `lease_token` is set. The outcome is recorded only while the lease is still ours. A
 * process killed mid-send leaves its rows due again when their lease ends.
 *
 * The one window in which a message can go out twice: the provider accepted it and the process
 * died (or lost the database) before recording that; after the lease the row is sent again,
 * with the same idempotency key (`Idempotency-Key`, the same email `Message-ID`), so a receiver
 * can drop the repeat.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { database, clock, log, settings } = deps
  const db: Db = database.db
  const policy = deps.policy ?? DEFAULT_RETRY_POLICY
  const random = deps.random ?? Math.random
  const batchSize = deps.batchSize ?? 16
  const sendTimeoutMs = deps.sendTimeoutMs ?? 10_000
  const leaseMs = Math.max(deps.leaseMs ?? 120_000, sendTimeoutMs * 4)
  const stats = { claimed: 0, sent: 0, retried: 0, failed: 0 }

  /** Leases up to `limit` due rows to this process. */
  async function claim(now: Date, limit = batchSize): Promise<OutboxRow[]> {
    const token = randomUUID()
    const due = db
      .select({ id: notificationOutbox.id })
      .from(notificationOutbox)
      .where(
        and(
          eq(notificationOutbox.state, 'pending'),
          inArray(notificationOutbox.channel, QUEUED_CHANNELS),
          lte(notificationOutbox.nextAttemptAt, now),
        ),
      )
      .orderBy(asc(notificationOutbox.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true })
    const rows = await db
      .update(notificationOutbox)
      .set({
        leaseToken: token,
        nextAttemptAt: new Date(now.getTime() + leaseMs),
        attempts: sql`${notificationOutbox.attempts} + 1`,
        lastAttemptAt: now,
        updatedAt: now,
      })
      // `= any(array(…))`, not `in (…)`: PostgreSQL may plan `in` as a semi-join that rescans the
      // locking subquery once per row, and each rescan locks more rows, so one claim took every
      // due row whatever the limit (seen with 40 due and a limit of 16). An array subquery is
      // evaluated once.
      .where(
        and(
          sql`${notificationOutbox.id} = any(array(${due}))`,
          eq(notificationOutbox.state, 'pending'),
        ),
      )
      .returning()
    stats.claimed += rows.length
    return rows
  }

  /**
   * The earliest instant a pending row is due (a leased row: when its lease ends), or an
   * in-app row nobody's client showed reaches its age limit.
   */
  async function earliest(): Promise<Date | null> {
    const queued = inArray(notificationOutbox.channel, QUEUED_CHANNELS)
    const [row] = await db
      .select({
        next: sql<
          string | Date | null
        >`min(${notificationOutbox.nextAttemptAt}) filter (where ${queued})`,
        oldestInApp: sql<
          string | Date | null
        >`min(${notificationOutbox.queuedAt}) filter (where ${notificationOutbox.channel} = 'in_app')`,
      })
      .from(notificationOutbox)
      .where(eq(notificationOutbox.state, 'pending'))
    // aggregates come back as strings on some drivers
    const instants = [
      row?.next == null ? null : new Date(row.next).getTime(),
      row?.oldestInApp == null ? null : new Date(row.oldestInApp).getTime() + IN_APP_MAX_AGE_MS,
    ].filter((t): t is number => t !== null)
    return instants.length === 0 ? null : new Date(Math.min(...instants))
  }

  /**
   * In-app rows that no client of their target showed within the age limit fail as not
   * received: the log tells the truth, and snapshots stop offering them.
   */
  async function expireUnreceived(now: Date): Promise<Outcome[]> {
    const rows = await db
      .update(notificationOutbox)
      // not permanent: a receipt that comes later still marks the row sent
      .set({ state: 'failed', lastError: NOT_RECEIVED, lastErrorPermanent: false, updatedAt: now })
      .where(
        and(
          eq(notificationOutbox.state, 'pending'),
          eq(notificationOutbox.channel, 'in_app'),
          lte(notificationOutbox.queuedAt, new Date(now.getTime() - IN_APP_MAX_AGE_MS)),
        ),
      )
      .returning({ id: notificationOutbox.id })
    stats.failed += rows.length
    return rows.map((r) => ({ id: r.id, result: 'failed', error: NOT_RECEIVED }))
  }

  function contextFor(now: Date): DeliveryContext {
    const facts = new Map<string, Promise<MessageFacts>>()
    const templates = new Map<string, ReturnType<typeof loadTemplate>>()
    const people = new Map<string, Promise<Awaited<ReturnType<DeliveryContext['user']>>>>()
    const context: DeliveryContext = {
      db,
      now,
      publicUrl: settings.publicUrl,
      mailFrom: settings.mailFrom,
      smtpUrl: settings.smtpUrl,
      sms: settings.sms,
      timeoutMs: sendTimeoutMs,
      facts(row) {
        const key = [row.event, row.ticketId, row.firingId, row.messageId, row.escalationId].join(
          ':',
        )
        let found = facts.get(key)
        if (!found) {
          found = loadFacts(db, settings.publicUrl, row)
          facts.set(key, found)
        }
        return found
      },
      async render(row, channel: TemplateChannel) {
        const key = `${row.spaceId}:${channel}`
        let template = templates.get(key)
        if (!template) {
          template = loadTemplate(db, row.spaceId, channel)
          templates.set(key, template)
        }
        const found = await context.facts(row)
        return renderFor(
          channel,
          await template,
          {
            ...found.values,
            escalation_target: await targetLabel(row.target, context),
            ack_link: await context.ackLink(row),
            ack_code: row.firingId ? smsReplyCode(row.firingId) : null,
          },
          { transcriptFromBot: found.transcriptFromBot },
        )
      },
      async ackLink(row) {
        const linked = /^(user:|email:|space$)/.test(row.target)
        if (!row.firingId || !linked || !settings.ackLink) return null
        const firing = (await context.facts(row)).firing
        return firing ? settings.ackLink(row.id, firing.escalatedAt) : null
      },
      http: (request) =>
        sendOutbound({
          ...request,
          timeoutMs: sendTimeoutMs,
          allowPrivate: settings.allowPrivateUrls,
        }),
      user(userId) {
        let found = people.get(userId)
        if (!found) {
          found = db
            .select({
              id: users.id,
              email: users.email,
              displayName: users.displayName,
              phone: users.phone,
            })
            .from(users)
            .where(eq(users.id, userId))
            .then(([row]) => row ?? null)
          people.set(userId, found)
        }
        return found
      },
      vapid: deps.vapid,
    }
    return context
  }

  /** Records what happened, if the row is still ours; a reply's message follows its row. */
  async function record(
    row: OutboxRow,
    finishedAt: Date,
    outcome: { delivered: Delivered } | { error: DeliveryError },
  ): Promise<Outcome> {
    let result: Outcome
    let change: Partial<typeof notificationOutbox.$inferInsert>
    let messageState: { deliveryState: 'sending' | 'sent' | 'failed'; deliveryError: string | null }
    if ('delivered' in outcome) {
      change = {
        state: 'sent',
        sentAt: finishedAt,
        providerId: outcome.delivered.providerId ?? null,
        captured: outcome.delivered.captured ?? null,
        lastErrorPermanent: false,
      }
      messageState = { deliveryState: 'sent', deliveryError: null }
      result = { id: row.id, result: 'sent', captured: Boolean(outcome.delivered.captured) }
    } else {
      const error = outcome.error.message.slice(0, 1000)
      const nextAttemptAt = new Date(
        finishedAt.getTime() +
          retryDelayMs(policy, row.attempts, outcome.error.retryAfterMs, random),
      )
      if (
        !outcome.error.retryable ||
        shouldGiveUp(policy, row.attempts, row.queuedAt, nextAttemptAt)
      ) {
        // the log offers "Retry now" only where trying again as it is may pass
        change = { state: 'failed', lastError: error, lastErrorPermanent: !outcome.error.retryable }
        messageState = { deliveryState: 'failed', deliveryError: error }
        result = { id: row.id, result: 'failed', error }
      } else {
        change = { lastError: error, lastErrorPermanent: false, nextAttemptAt }
        messageState = { deliveryState: 'sending', deliveryError: error }
        result = { id: row.id, result: 'retry', error, nextAttemptAt }
      }
    }
    const stored = await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(notificationOutbox)
        .set({ ...change, leaseToken: null, updatedAt: finishedAt })
        .where(
          and(
            eq(notificationOutbox.id, row.id),
            eq(notificationOutbox.state, 'pending'),
            row.leaseToken ? eq(notificationOutbox.leaseToken, row.leaseToken) : undefined,
          ),
        )
        .returning({ id: notificationOutbox.id })
      if (!updated) return false
      if (row.messageId) {
        await tx
          .update(ticketMessages)
          .set(messageState)
          .where(eq(ticketMessages.id, row.messageId))
      }
      return true
    })
    if (!stored) {
      // the lease ran out and another process took the row: its outcome stands
      log.warn({ deliveryId: row.id }, 'a delivery finished after its lease; not recorded')
      return { id: row.id, result: 'lease-lost' }
    }
    if (result.result === 'sent') stats.sent += 1
    else if (result.result === 'failed') stats.failed += 1
    else stats.retried += 1
    if (row.messageId) deps.replyStateChanged?.(row)
    return result
  }

  async function deliverOne(row: OutboxRow, context: DeliveryContext, at?: Date): Promise<Outcome> {
    const channel = channelOf(row.channel)
    let outcome: { delivered: Delivered } | { error: DeliveryError }
    try {
      if (!channel) throw new DeliveryError(`no channel "${row.channel}"`, false)
      outcome = { delivered: await channel.deliver(row, context) }
    } catch (error) {
      if (error instanceof DeliveryError) outcome = { error }
      else {
        // a bug or a database hiccup while preparing: worth another try, and worth a log line
        log.error({ err: error, deliveryId: row.id }, 'a delivery failed unexpectedly')
        outcome = {
          error: new DeliveryError(
            `internal error: ${error instanceof Error ? error.message : String(error)}`,
            true,
          ),
        }
      }
    }
    return record(row, at ?? clock(), outcome)
  }

  /** Sends rows already claimed (by `claim`). */
  async function deliver(rows: OutboxRow[], now: Date, at?: Date): Promise<Outcome[]> {
    const context = contextFor(now)
    return Promise.all(rows.map((row) => deliverOne(row, context, at)))
  }

  /** Wakes a run that waits on slow sends, so that a row queued meanwhile is claimed at once. */
  let nudged: (() => void) | null = null
  /** A row was queued since the run last claimed: it claims again before it waits. */
  let queuedSinceClaim = false

  /**
   * Sends everything due at `at` (default: the clock's time at each claim) until nothing is due
   * and nothing is in flight, at most `batchSize` rows at once. A slot that frees is filled at
   * once, and a row queued meanwhile (`nudge`) is claimed at once: a send that hangs until its
   * timeout holds up only itself, never the rows behind it. Tests pass their clock's time; the
   * wake timer passes nothing. Rejects, once what is in flight has finished, if recording an
   * outcome failed (the database went away): the rows not recorded are due again after their
   * lease.
   */
  async function runDue(at?: Date): Promise<Outcome[]> {
    const all: Outcome[] = await expireUnreceived(at ?? clock())
    const inFlight = new Set<Promise<void>>()
    const failures: unknown[] = []
    for (;;) {
      const now = at ?? clock()
      const free = failures.length > 0 ? 0 : batchSize - inFlight.size
      if (free > 0) queuedSinceClaim = false
      const rows = free > 0 ? await claim(now, free) : []
      if (rows.length > 0) {
        const context = contextFor(now)
        for (const row of rows) {
          const sending: Promise<void> = deliverOne(row, context, at)
            .then((outcome) => {
              all.push(outcome)
            })
            .catch((error: unknown) => {
              failures.push(error)
            })
            .finally(() => inFlight.delete(sending))
          inFlight.add(sending)
        }
        // a full claim: more may be due, and there is room for it
        if (rows.length === free && inFlight.size < batchSize) continue
      }
      if (inFlight.size === 0) break
      // queued while that claim was on its way (it may not have seen the row): claim again
      if (queuedSinceClaim && failures.length === 0 && inFlight.size < batchSize) continue
      await new Promise<void>((resolve) => {
        nudged = resolve
        void Promise.race(inFlight).then(resolve)
      })
      nudged = null
    }
    if (failures.length > 0) throw failures[0]
    return all
  }

  return {
    claim,
    deliver,
    runDue,
    /** A row was queued: a run waiting on slow sends claims it now rather than after them. */
    nudge: (): void => {
      queuedSinceClaim = true
      nudged?.()
    },
    earliest,
    stats: (): Readonly<typeof stats> => ({ ...stats }),
  }
}

/** The target as a person reads it, for `{escalation_target}` and the delivery log. */
async function targetLabel(target: string, context: DeliveryContext): Promise<string> {
  if (target.startsWith('user:')) {
    return (await context.user(target.slice(5)))?.displayName ?? 'a former member'
  }
  if (target.startsWith('email:')) return target.slice(6)
  if (target.startsWith('phone:')) return target.slice(6)
  return 'the team'
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>

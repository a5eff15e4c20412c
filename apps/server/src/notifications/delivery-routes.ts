import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ApiErrorBody,
  DELIVERY_STATES,
  type DeliveryDto,
  DeliveryListQuery,
  DeliveryListResponse,
  DeliveryParams,
  DeliveryResponse,
  type DeliveryState,
  ErrorCode,
  NOTIFICATION_CHANNELS,
  type NotificationChannel,
  SpaceParams,
  TicketMessageResponse,
  Uuid,
} from '@flare/protocol'
import { Type } from '@sinclair/typebox'
import { and, desc, eq, inArray, isNull, or, type SQL } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { encodePageCursor, olderThanCursor } from '../db/page-cursor.js'
import {
  notificationOutbox,
  ticketMessages,
  tickets,
  users,
  webhookEndpoints,
} from '../db/schema.js'
import { HttpError, notFound } from '../errors.js'
import { membershipOf } from '../plugins/auth.js'
import { toMessageDto, toTicketDto } from '../tickets/ticket-repository.js'
import type { OutboxRow } from './channels/index.js'
import { notifyOutbox } from './outbox-signal.js'

const DEFAULT_PAGE = 50

function isDeliveryState(value: string): value is DeliveryState {
  return (DELIVERY_STATES as readonly string[]).includes(value)
}

// rows are written with a channel of this list only; the guard keeps the type honest
function isChannel(value: string): value is NotificationChannel {
  return (NOTIFICATION_CHANNELS as readonly string[]).includes(value)
}

function iso(at: Date | null): string | null {
  return at ? at.toISOString() : null
}

/** Names for the log's targets: people by name, webhooks by host, Slack as Slack. */
async function labelsOf(db: Db, rows: OutboxRow[]): Promise<Map<string, string>> {
  const userIds = new Set<string>()
  const webhookIds = new Set<string>()
  for (const row of rows) {
    if (row.target.startsWith('user:')) userIds.add(row.target.slice(5))
    if (row.target.startsWith('webhook:')) webhookIds.add(row.target.slice(8))
  }
  const labels = new Map<string, string>()
  if (userIds.size > 0) {
    const people = await db
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(inArray(users.id, [...userIds]))
    for (const p of people) labels.set(`user:${p.id}`, p.name)
  }
  if (webhookIds.size > 0) {
    const hooks = await db
      .select({ id: webhookEndpoints.id, url: webhookEndpoints.url })
      .from(webhookEndpoints)
      .where(inArray(webhookEndpoints.id, [...webhookIds]))
    for (const h of hooks) {
      let host = h.url
      try {
        host = new URL(h.url).host
      } catch {
        // stored URLs were checked on save; show what there is
      }
      labels.set(`webhook:${h.id}`, host)
    }
  }
  return labels
}

function labelOf(row: OutboxRow, labels: Map<string, string>): string {
  const known = labels.get(row.target)
  if (known) return known
  if (row.target.startsWith('user:')) return 'a former member'
  if (row.target.startsWith('email:') || row.target.startsWith('phone:')) {
    return row.target.slice(row.target.indexOf(':') + 1)
  }
  if (row.target.startsWith('webhook:')) return 'a deleted webhook'
  return row.channel === 'slack' ? 'Slack' : 'the space'
}

// an "I'm on it" link's token: its payload and signature, both base64url
const ACK_TOKEN = /\/ack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g

/**
 * A captured message as `viewerId` may read it: a message to someone else has its personal
 * "I'm on it" links hidden wherever a template put them, the subject too (each acknowledges as
 * its recipient for a day: a credential, which the log would otherwise hand to every admin and
 * manager).
 */
function capturedFor(row: OutboxRow, viewerId: string): DeliveryDto['captured'] {
  const captured = row.captured ?? null
  if (!captured || row.target === `user:${viewerId}`) return captured
  const hide = (text: string) => text.replace(ACK_TOKEN, '/ack/[personal link hidden]')
  return {
    from: hide(captured.from),
    to: hide(captured.to),
    ...(captured.subject === undefined ? {} : { subject: hide(captured.subject) }),
    text: hide(captured.text),
    ...(captured.html === undefined ? {} : { html: hide(captured.html) }),
  }
}

/**
 * Whether a row may still go through with nothing changed (`DeliveryDto.retryable`): a failed
 * one unless its error was permanent, a pending one always, a sent one never.
 */
function retryableOf(row: OutboxRow): boolean {
  if (row.state === 'failed') return !row.lastErrorPermanent
  return row.state === 'pending'
}

/** What the log shows of a row beyond the row itself, read with it. */
interface DeliveryNames {
  label: string
  ticketSubject: string | null
}

/** A delivery log row as `viewerId` (an admin or manager of its space) reads it. */
export function toDeliveryDto(row: OutboxRow, names: DeliveryNames, viewerId: string): DeliveryDto {
  return {
    id: row.id,
    event: row.event,
    channel: isChannel(row.channel) ? row.channel : 'in_app',
    target: row.target,
    targetLabel: names.label,
    state: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    retryable: retryableOf(row),
    ticketId: row.ticketId,
    ticketSubject: names.ticketSubject,
    firingId: row.firingId,
    createdAt: row.createdAt.toISOString(),
    lastAttemptAt: iso(row.lastAttemptAt),
    nextAttemptAt: row.state === 'pending' ? row.nextAttemptAt.toISOString() : null,
    sentAt: iso(row.sentAt),
    captured: capturedFor(row, viewerId),
    idempotencyKey: row.idempotencyKey,
  }
}

/** Outbox rows with the subject of the ticket each is about (null when about none). */
function withTicketSubject(db: Db) {
  return db
    .select({ row: notificationOutbox, ticketSubject: tickets.subject })
    .from(notificationOutbox)
    .leftJoin(tickets, eq(tickets.id, notificationOutbox.ticketId))
}

/**
 * Queues a row again now: a failed one starts its attempts afresh, a pending one is brought
 * forward. Sent rows stay sent; in-app rows are delivered by their targets' connections.
 */
async function requeue(db: Db, row: OutboxRow, now: Date): Promise<OutboxRow> {
  if (row.channel === 'in_app') {
    throw new HttpError(409, {
      code: ErrorCode.CONFLICT,
      message: 'In-app notifications are delivered when their target connects; nothing to retry.',
    })
  }
  if (row.state === 'sent') {
    throw new HttpError(409, {
      code: ErrorCode.CONFLICT,
      message: 'This delivery was sent already.',
    })
  }
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(notificationOutbox)
      .set({
        state: 'pending',
        attempts: 0,
        // its error stays to read until the next try; whether it was final no longer holds
        lastErrorPermanent: false,
        queuedAt: now,
        nextAttemptAt: now,
        leaseToken: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(notificationOutbox.id, row.id),
          // a row being sent right now (leased) is left to its sender
          or(
            eq(notificationOutbox.state, 'failed'),
            and(eq(notificationOutbox.state, 'pending'), isNull(notificationOutbox.leaseToken)),
          ),
        ),
      )
      .returning()
    if (!updated) {
      throw new HttpError(409, {
        code: ErrorCode.CONFLICT,
        message: 'This delivery is being sent right now.',
      })
    }
    if (updated.messageId) {
      await tx
        .update(ticketMessages)
        .set({ deliveryState: 'sending', deliveryError: null })
        .where(eq(ticketMessages.id, updated.messageId))
    }
    await notifyOutbox(tx)
    return updated
  })
}

/** The delivery log and "retry now" (SPEC §7), for admins and managers. */
export const deliveryRoutes: FastifyPluginAsyncTypebox<{ wake(): void }> = async (
  app,
  { wake },
) => {
  const db = app.database.db
  const errors = { 400: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody }

  app.get(
    '/spaces/:spaceId/deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The delivery log: every notification sent, pending or failed, newest first',
        params: SpaceParams,
        querystring: DeliveryListQuery,
        response: { 200: DeliveryListResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin', 'manager'),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const query = request.query
      const where: SQL[] = [eq(notificationOutbox.spaceId, spaceId)]
      if (query.state) {
        where.push(
          inArray(notificationOutbox.state, query.state.split(',').filter(isDeliveryState)),
        )
      }
      if (query.channel) where.push(inArray(notificationOutbox.channel, query.channel.split(',')))
      if (query.ticketId) where.push(eq(notificationOutbox.ticketId, query.ticketId))
      if (query.cursor) {
        const before = olderThanCursor(
          notificationOutbox.createdAt,
          notificationOutbox.id,
          query.cursor,
        )
        if (before) where.push(before)
      }
      const limit = query.limit ? Number(query.limit) : DEFAULT_PAGE
      // each row's ticket subject in the same query: a page costs one query plus the labels'
      const found = await withTicketSubject(db)
        .where(and(...where))
        .orderBy(desc(notificationOutbox.createdAt), desc(notificationOutbox.id))
        .limit(limit + 1)
      const page = found.slice(0, limit)
      const rows = page.map(({ row }) => row)
      const labels = await labelsOf(db, rows)
      const last = rows.at(-1)
      return {
        deliveries: page.map(({ row, ticketSubject }) =>
          toDeliveryDto(row, { label: labelOf(row, labels), ticketSubject }, userId),
        ),
        nextCursor: found.length > limit && last ? encodePageCursor(last) : null,
        sink: app.notifications.sink,
      }
    },
  )

  app.post(
    '/spaces/:spaceId/deliveries/:deliveryId/retry',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Retry a delivery now (admins and managers)',
        params: DeliveryParams,
        response: { 200: DeliveryResponse, ...errors },
      },
      preHandler: app.requireSpaceRole('admin', 'manager'),
    },
    async (request) => {
      const { spaceId, userId } = membershipOf(request)
      const { deliveryId } = request.params
      const [found] = await withTicketSubject(db).where(
        and(eq(notificationOutbox.id, deliveryId), eq(notificationOutbox.spaceId, spaceId)),
      )
      if (!found) throw notFound('No such delivery in this space.')
      const updated = await requeue(db, found.row, app.clock())
      wake()
      const labels = await labelsOf(db, [updated])
      const names = { label: labelOf(updated, labels), ticketSubject: found.ticketSubject }
      return { delivery: toDeliveryDto(updated, names, userId) }
    },
  )

  // a reply that failed to reach the customer: whoever works the ticket may send it again
  app.post(
    '/spaces/:spaceId/tickets/:ticketId/messages/:messageId/retry',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Send a staff reply to the customer again after its delivery failed',
        params: Type.Object({ spaceId: Uuid, ticketId: Uuid, messageId: Uuid }),
        response: { 200: TicketMessageResponse, ...errors },
      },
      preHandler: app.requireSpaceRole(),
    },
    async (request) => {
      const { spaceId } = membershipOf(request)
      const { ticketId, messageId } = request.params
      const [found] = await db
        .select({ row: notificationOutbox })
        .from(notificationOutbox)
        .innerJoin(tickets, eq(tickets.id, notificationOutbox.ticketId))
        .where(
          and(
            eq(notificationOutbox.messageId, messageId),
            eq(notificationOutbox.ticketId, ticketId),
            eq(tickets.spaceId, spaceId),
          ),
        )
      if (!found) throw notFound('No such reply to send in this space.')
      await requeue(db, found.row, app.clock())
      wake()
      const [message] = await db
        .select()
        .from(ticketMessages)
        .where(eq(ticketMessages.id, messageId))
      const [ticket] = await db.select().from(tickets).where(eq(tickets.id, ticketId))
      if (!message || !ticket) throw notFound('No such reply to send in this space.')
      const event = { ticket: toTicketDto(ticket), message: toMessageDto(message) }
      app.broadcast.toSpace(spaceId, 'ticket:message', event)
      return event
    },
  )
}

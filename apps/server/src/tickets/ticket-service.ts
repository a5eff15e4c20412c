import type {
  InboundResponse,
  MessageAuthorKind,
  TicketCreate,
  TicketDto,
  TicketListQuery,
  TicketListResponse,
  TicketMessageDto,
  TicketPriority,
  TicketStatus,
  TicketUpdate,
} from '@flare/protocol'
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, or, type SQL, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../auth/identity.js'
import type { Db } from '../db/database.js'
import { encodePageCursor, olderThanCursor } from '../db/page-cursor.js'
import { ticketMessages, tickets } from '../db/schema.js'
import { badRequest, notFound } from '../errors.js'
import type { EventBus } from '../events/domain-events.js'
import { queueCustomerReply } from '../notifications/customer-replies.js'
import type { Broadcaster } from '../realtime/broadcaster.js'
import { storeDueInstants } from '../scheduling/due-instants.js'
import { lookAhead } from '../scheduling/look-ahead.js'
import type { RunOutcome } from '../scheduling/wake-timer.js'
import {
  findInbox,
  findTicket,
  type InboxRow,
  isUniqueViolation,
  type MessageRow,
  nonMembers,
  normalizePhone,
  previewOf,
  type TicketRow,
  type Tx,
  toMessageDto,
  toTicketDto,
} from './ticket-repository.js'
import { applyChange, type ClockState, newClockState } from './waiting-state.js'

/** What the service tells the space after a change is committed. */
export type TicketEvent =
  | { kind: 'created'; ticket: TicketDto }
  | { kind: 'updated'; ticket: TicketDto }
  | { kind: 'message'; ticket: TicketDto; message: TicketMessageDto }

export interface TicketServiceDeps {
  db: Db
  clock: Clock
  log: FastifyBaseLogger
  broadcast: Broadcaster
  events: EventBus
}

export interface InboundInput {
  inbox: InboxRow
  customer: { name?: string | null; email?: string | null; phone?: string | null }
  body: string
  subject?: string
  providerMessageId?: string | null
}

const DEFAULT_PAGE = 50
// ended holds reopened per transaction
const HOLD_BATCH = 200
const SUBJECT_FROM_BODY = 80

function clockStateOf(row: TicketRow): ClockState {
  return {
    status: row.status,
    holdUntil: row.holdUntil,
    openSince: row.openSince,
    waitingSince: row.waitingSince,
    escalationLevel: row.escalationLevel,
  }
}

function cleanCustomer(customer: InboundInput['customer']) {
  const email = customer.email?.trim().toLowerCase() || null
  const phone = customer.phone ? normalizePhone(customer.phone) || null : null
  const name = customer.name?.trim() || null
  return { name, email, phone }
}

function subjectFrom(body: string): string {
  const line = body.trim().split('\n')[0]?.replace(/\s+/g, ' ') ?? ''
  return line.length > SUBJECT_FROM_BODY ? `${line.slice(0, SUBJECT_FROM_BODY - 1)}…` : line
}

/**
 * Every change to tickets goes through here: the clock state moves by `applyChange`, the row
 * is locked while it does, its next due instant is computed in the same transaction, and
 * members hear of it only after the change is committed.
 */
export function createTicketService(deps: TicketServiceDeps) {
  const { db, clock } = deps

  /** The row's next due instant, stored in the transaction that changed it. */
  async function withDueInstant(tx: Tx, row: TicketRow, now: Date): Promise<TicketRow> {
    const { rows } = await storeDueInstants(tx, [row], now)
    return rows[0] ?? row
  }

  /**
   * After the commit: tell the space and the other features. The one place ticket changes
   * are told, whoever made them (automation's firings announce through it too).
   */
  function changed(spaceId: string, events: TicketEvent[]): void {
    for (const event of events) {
      if (event.kind === 'created') deps.broadcast.toSpace(spaceId, 'ticket:created', event.ticket)
      else if (event.kind === 'updated') {
        deps.broadcast.toSpace(spaceId, 'ticket:updated', event.ticket)
      } else {
        deps.broadcast.toSpace(spaceId, 'ticket:message', {
          ticket: event.ticket,
          message: event.message,
        })
      }
    }
    const ticketIds = [...new Set(events.map((e) => e.ticket.id))]
    void deps.events.publish('ticket.changed', { spaceId, ticketIds })
  }

  /** Adds a message to a locked ticket row and writes the new clock state; inside a transaction. */
  async function appendMessage(
    tx: Tx,
    row: TicketRow,
    message: {
      authorKind: MessageAuthorKind
      authorUserId: string | null
      body: string
      internal: boolean
      providerMessageId?: string | null
      at: Date
    },
  ): Promise<{ ticket: TicketRow; message: MessageRow }> {
    const [stored] = await tx
      .insert(ticketMessages)
      .values({
        ticketId: row.id,
        inboxId: row.inboxId,
        authorKind: message.authorKind,
        authorUserId: message.authorUserId,
        body: message.body,
        internal: message.internal,
        providerMessageId: message.providerMessageId ?? null,
        createdAt: message.at,
      })
      .returning()
    if (!stored) throw new Error('message was not stored')
    const next = applyChange(clockStateOf(row), {
      kind: 'message',
      authorKind: message.authorKind,
      internal: message.internal,
      at: message.at,
    })
    // the list shows what the conversation says, not notes or the system's remarks
    const shown = message.authorKind !== 'system' && !message.internal
    const [ticket] = await tx
      .update(tickets)
      .set({
        ...next,
        updatedAt: message.at,
        ...(shown ? { lastMessageAt: message.at, preview: previewOf(message.body) } : {}),
      })
      .where(eq(tickets.id, row.id))
      .returning()
    if (!ticket) throw new Error('ticket vanished while locked')
    return { ticket, message: stored }
  }

  async function lockTicket(tx: Tx, spaceId: string, ticketId: string): Promise<TicketRow> {
    const [row] = await tx
      .select()
      .from(tickets)
      .where(and(eq(tickets.id, ticketId), eq(tickets.spaceId, spaceId)))
      .for('update')
    if (!row) throw notFound('No such ticket in this space.')
    return row
  }

  async function checkAssignee(spaceId: string, userId: string | null | undefined) {
    if (!userId) return
    if ((await nonMembers(db, spaceId, [userId])).length > 0) {
      throw badRequest('assignedToUserId: not a member of this space', 'assignedToUserId')
    }
  }

  function requireCustomer(customer: InboundInput['customer']) {
    const c = cleanCustomer(customer)
    if (!c.name && !c.email && !c.phone) {
      throw badRequest('customer: give a name, an email or a phone number', 'customer')
    }
    return c
  }

  async function list(
    spaceId: string,
    userId: string,
    query: TicketListQuery,
  ): Promise<TicketListResponse> {
    const where: SQL[] = [eq(tickets.spaceId, spaceId)]
    if (query.inboxId) where.push(eq(tickets.inboxId, query.inboxId))
    if (query.status) where.push(inArray(tickets.status, query.status.split(',') as TicketStatus[]))
    if (query.priority) {
      where.push(inArray(tickets.priority, query.priority.split(',') as TicketPriority[]))
    }
    if (query.assignee === 'none') where.push(isNull(tickets.assignedToUserId))
    else if (query.assignee) {
      where.push(eq(tickets.assignedToUserId, query.assignee === 'me' ? userId : query.assignee))
    }
    if (query.escalated === 'true') where.push(isNotNull(tickets.lastEscalatedAt))
    if (query.escalated === 'false') where.push(isNull(tickets.lastEscalatedAt))
    if (query.waiting === 'true') where.push(isNotNull(tickets.waitingSince))
    if (query.waiting === 'false') where.push(isNull(tickets.waitingSince))
    if (query.cursor) {
      const before = olderThanCursor(tickets.createdAt, tickets.id, query.cursor)
      if (before) where.push(before)
    }
    const limit = query.limit ? Number(query.limit) : DEFAULT_PAGE
    const rows = await db
      .select()
      .from(tickets)
      .where(and(...where))
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(limit + 1)
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return {
      tickets: page.map(toTicketDto),
      nextCursor: rows.length > limit && last ? encodePageCursor(last) : null,
    }
  }

  async function create(spaceId: string, userId: string, input: TicketCreate): Promise<TicketDto> {
    const inbox = await findInbox(db, spaceId, input.inboxId)
    if (!inbox) throw notFound('No such inbox in this space.')
    await checkAssignee(spaceId, input.assignedToUserId)
    const customer = requireCustomer(input.customer)
    const at = clock()
    const result = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(tickets)
        .values({
          spaceId,
          inboxId: inbox.id,
          subject: input.subject.trim(),
          customerName: customer.name,
          customerEmail: customer.email,
          customerPhone: customer.phone,
          priority: input.priority ?? 'medium',
          category: input.category ?? null,
          assignedToUserId: input.assignedToUserId ?? null,
          ...newClockState(at),
          createdAt: at,
          updatedAt: at,
        })
        .returning()
      if (!row) throw new Error('ticket was not created')
      if (!input.message) return { ticket: await withDueInstant(tx, row, at), message: null }
      const appended = await appendMessage(tx, row, {
        authorKind: input.message.authorKind,
        authorUserId: input.message.authorKind === 'staff' ? userId : null,
        body: input.message.body,
        internal: false,
        at,
      })
      return { ...appended, ticket: await withDueInstant(tx, appended.ticket, at) }
    })
    const ticket = toTicketDto(result.ticket)
    changed(spaceId, [
      { kind: 'created', ticket },
      ...(result.message
        ? [{ kind: 'message' as const, ticket, message: toMessageDto(result.message) }]
        : []),
    ])
    return ticket
  }

  async function update(
    spaceId: string,
    ticketId: string,
    input: TicketUpdate,
  ): Promise<TicketDto> {
    await checkAssignee(spaceId, input.assignedToUserId)
    const now = clock()
    const holdUntil =
      input.holdUntil === undefined ? undefined : input.holdUntil ? new Date(input.holdUntil) : null
    if (holdUntil && holdUntil.getTime() <= now.getTime()) {
      throw badRequest('holdUntil: must be in the future', 'holdUntil')
    }
    const customer = input.customer ? requireCustomer(input.customer) : null
    const row = await db.transaction(async (tx) => {
      const current = await lockTicket(tx, spaceId, ticketId)
      let state = clockStateOf(current)
      const status = input.status ?? current.status
      if (holdUntil !== undefined && status !== 'on_hold') {
        throw badRequest('holdUntil: only a ticket on hold has one', 'holdUntil')
      }
      if (input.status !== undefined || holdUntil !== undefined) {
        const until =
          holdUntil !== undefined ? holdUntil : status === current.status ? current.holdUntil : null
        if (status !== current.status || until?.getTime() !== current.holdUntil?.getTime()) {
          state = applyChange(state, { kind: 'status', status, holdUntil: until, at: now })
        }
      }
      const [updated] = await tx
        .update(tickets)
        .set({
          ...state,
          ...(input.subject !== undefined ? { subject: input.subject.trim() } : {}),
          ...(input.priority !== undefined ? { priority: input.priority } : {}),
          ...(input.category !== undefined ? { category: input.category } : {}),
          ...(input.assignedToUserId !== undefined
            ? { assignedToUserId: input.assignedToUserId }
            : {}),
          ...(customer
            ? {
                customerName: customer.name,
                customerEmail: customer.email,
                customerPhone: customer.phone,
              }
            : {}),
          updatedAt: now,
        })
        .where(eq(tickets.id, current.id))
        .returning()
      if (!updated) throw new Error('ticket vanished while locked')
      return withDueInstant(tx, updated, now)
    })
    if (row.status === 'on_hold' && row.holdUntil) {
      void deps.events.publish('ticket.held', { spaceId, ticketId: row.id, until: row.holdUntil })
    }
    const ticket = toTicketDto(row)
    changed(spaceId, [{ kind: 'updated', ticket }])
    return ticket
  }

  /** A staff reply (material) or internal note (not material). */
  async function addStaffMessage(
    spaceId: string,
    ticketId: string,
    userId: string,
    body: string,
    internal: boolean,
  ): Promise<{ ticket: TicketDto; message: TicketMessageDto }> {
    const at = clock()
    const result = await db.transaction(async (tx) => {
      const row = await lockTicket(tx, spaceId, ticketId)
      const appended = await appendMessage(tx, row, {
        authorKind: 'staff',
        authorUserId: userId,
        body,
        internal,
        at,
      })
      // an SMS customer gets the reply by text, queued with it (SPEC §7)
      return {
        ...appended,
        message: await queueCustomerReply(tx, appended.ticket, appended.message),
        ticket: await withDueInstant(tx, appended.ticket, at),
      }
    })
    const event = { ticket: toTicketDto(result.ticket), message: toMessageDto(result.message) }
    changed(spaceId, [{ kind: 'message', ...event }])
    return event
  }

  /**
   * A customer message from a channel: appended to the customer's open (or held) ticket in
   * the inbox, or a new ticket. A provider message id seen before in this inbox is not stored
   * again.
   */
  async function receiveInbound(input: InboundInput): Promise<InboundResponse> {
    const customer = cleanCustomer(input.customer)
    if (!customer.email && !customer.phone) {
      throw badRequest('customer: give an email or a phone number to reply to', 'customer')
    }
    const providerMessageId = input.providerMessageId ?? null
    const { inbox } = input
    const run = () =>
      db.transaction(async (tx) => {
        // one customer's deliveries are handled one at a time, in every server process, so two
        // messages arriving together cannot open two tickets
        const key = `inbound:${inbox.id}:${customer.phone ?? customer.email}`
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`)
        if (providerMessageId) {
          const [seen] = await tx
            .select({ id: ticketMessages.id, ticketId: ticketMessages.ticketId })
            .from(ticketMessages)
            .where(
              and(
                eq(ticketMessages.inboxId, inbox.id),
                eq(ticketMessages.providerMessageId, providerMessageId),
              ),
            )
          if (seen) return { duplicate: seen } as const
        }
        const same = [
          ...(customer.phone ? [eq(tickets.customerPhone, customer.phone)] : []),
          ...(customer.email ? [eq(tickets.customerEmail, customer.email)] : []),
        ]
        const [open] = await tx
          .select()
          .from(tickets)
          .where(
            and(
              eq(tickets.inboxId, inbox.id),
              inArray(tickets.status, ['open', 'on_hold']),
              or(...same),
            ),
          )
          .orderBy(desc(tickets.createdAt))
          .limit(1)
          .for('update')
        const at = clock()
        let row = open
        if (!row) {
          ;[row] = await tx
            .insert(tickets)
            .values({
              spaceId: inbox.spaceId,
              inboxId: inbox.id,
              subject: input.subject?.trim() || subjectFrom(input.body) || 'New conversation',
              customerName: customer.name,
              customerEmail: customer.email,
              customerPhone: customer.phone,
              ...newClockState(at),
              createdAt: at,
              updatedAt: at,
            })
            .returning()
          if (!row) throw new Error('ticket was not created')
        } else if (customer.name && !row.customerName) {
          ;[row] = await tx
            .update(tickets)
            .set({ customerName: customer.name })
            .where(eq(tickets.id, row.id))
            .returning()
          if (!row) throw new Error('ticket vanished while locked')
        }
        const appended = await appendMessage(tx, row, {
          authorKind: 'customer',
          authorUserId: null,
          body: input.body,
          internal: false,
          providerMessageId,
          at,
        })
        const ticket = await withDueInstant(tx, appended.ticket, at)
        return { created: !open, message: appended.message, ticket } as const
      })
    let result: Awaited<ReturnType<typeof run>>
    try {
      result = await run()
    } catch (error) {
      // the same message delivered twice at once under two customer keys: the index kept one
      if (!providerMessageId || !isUniqueViolation(error)) throw error
      result = await run()
    }
    if ('duplicate' in result && result.duplicate) {
      return {
        ticketId: result.duplicate.ticketId,
        messageId: result.duplicate.id,
        ticketCreated: false,
        duplicate: true,
      }
    }
    const ticket = toTicketDto(result.ticket)
    changed(inbox.spaceId, [
      ...(result.created ? [{ kind: 'created' as const, ticket }] : []),
      { kind: 'message', ticket, message: toMessageDto(result.message) },
    ])
    return {
      ticketId: ticket.id,
      messageId: result.message.id,
      ticketCreated: result.created,
      duplicate: false,
    }
  }

  /**
   * Reopens holds that have ended by `now`, one batch in one transaction. Ended holds are
   * claimed with `FOR UPDATE SKIP LOCKED`: with several server processes each ticket is
   * reopened by exactly one of them, and a ticket another transaction holds is left for later
   * instead of waited on. Answers what it reopened and what the hold timer needs to know.
   */
  async function reopenEndedHolds(now: Date): Promise<{ ids: string[]; outcome: RunOutcome }> {
    const ended = and(eq(tickets.status, 'on_hold'), lte(tickets.holdUntil, now))
    const { reopened, outcome } = await db.transaction(async (tx) => {
      const claimed = await tx
        .select()
        .from(tickets)
        .where(ended)
        .orderBy(asc(tickets.holdUntil), asc(tickets.id))
        .limit(HOLD_BATCH)
        .for('update', { skipLocked: true })
      const out: Array<{ ticket: TicketRow; message: MessageRow }> = []
      for (const held of claimed) {
        const state = applyChange(clockStateOf(held), {
          kind: 'status',
          status: 'open',
          holdUntil: null,
          at: now,
        })
        const [row] = await tx
          .update(tickets)
          .set({ ...state, updatedAt: now })
          .where(eq(tickets.id, held.id))
          .returning()
        if (!row) throw new Error('ticket vanished while locked')
        const appended = await appendMessage(tx, row, {
          authorKind: 'system',
          authorUserId: null,
          body: 'The hold ended: the ticket is open again.',
          internal: false,
          at: now,
        })
        out.push(appended)
      }
      const { rows } = await storeDueInstants(
        tx,
        out.map((r) => r.ticket),
        now,
      )
      const pending = and(eq(tickets.status, 'on_hold'), isNotNull(tickets.holdUntil))
      const look = await lookAhead(tx, tickets.holdUntil, pending, now, out.length > 0)
      return {
        reopened: out.map((r, i) => ({ ...r, ticket: rows[i] ?? r.ticket })),
        // a full batch: more may be waiting, so look again at once
        outcome: claimed.length === HOLD_BATCH ? { ...look, next: now } : look,
      }
    })
    const bySpace = new Map<string, TicketEvent[]>()
    for (const { ticket, message } of reopened) {
      const dto = toTicketDto(ticket)
      const events = bySpace.get(ticket.spaceId) ?? []
      events.push({ kind: 'updated', ticket: dto })
      events.push({ kind: 'message', ticket: dto, message: toMessageDto(message) })
      bySpace.set(ticket.spaceId, events)
    }
    for (const [spaceId, events] of bySpace) changed(spaceId, events)
    return { ids: reopened.map((r) => r.ticket.id), outcome }
  }

  /** Reopens every hold that has ended by `now` (batch after batch); answers the ids. */
  async function checkHolds(now: Date): Promise<string[]> {
    const ids: string[] = []
    for (;;) {
      const batch = await reopenEndedHolds(now)
      ids.push(...batch.ids)
      if (batch.ids.length < HOLD_BATCH) return ids
    }
  }

  async function read(spaceId: string, ticketId: string) {
    const row = await findTicket(db, spaceId, ticketId)
    if (!row) throw notFound('No such ticket in this space.')
    return row
  }

  return {
    list,
    create,
    update,
    addStaffMessage,
    receiveInbound,
    checkHolds,
    reopenEndedHolds,
    read,
    announce: changed,
  }
}

export type TicketService = ReturnType<typeof createTicketService>

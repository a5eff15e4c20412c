import type {
  BotOutcome,
  InboundConversation,
  InboundConversationResponse,
  InboundResponse,
  MessageAuthorKind,
  TicketCounts,
  TicketCreate,
  TicketDto,
  TicketListQuery,
  TicketListResponse,
  TicketMessageDto,
  TicketPriority,
  TicketStatus,
  TicketUpdate,
} from '@flare/protocol'
import { SLA_STATUSES } from '@flare/protocol'
import {
  type ConversationLine,
  detectConversationTrigger,
  detectMessageTrigger,
  type SentimentScore,
  type TriggerHit,
} from '@flare/rules'
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
import { triggerSettingsOf, withPendingTrigger } from '../triggers/detection.js'
import { scoreMessage } from '../triggers/lexicon.js'
import {
  countTickets,
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
import { afterWaitingCursor, encodeWaitingCursor, longestWaitingOrder } from './waiting-order.js'
import {
  applyChange,
  type ClockState,
  newClockState,
  rearmChains,
  slaInstantsAfter,
  type TicketChange,
} from './waiting-state.js'

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

/** A bot conversation handed over (SPEC §11.1.3). */
export interface ConversationInput {
  inbox: InboxRow
  body: InboundConversation
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
      /** A customer message's lexicon score (SPEC §11.1.2). */
      sentiment?: number | null
      botOutcome?: BotOutcome | null
      /** An instant trigger it set off: fired at once by the scheduler (SPEC §11.1.5). */
      trigger?: TriggerHit | null
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
        sentiment: message.sentiment ?? null,
        botOutcome: message.botOutcome ?? null,
      })
      .returning()
    if (!stored) throw new Error('message was not stored')
    const change: TicketChange = {
      kind: 'message',
      authorKind: message.authorKind,
      internal: message.internal,
      at: message.at,
    }
    const next = applyChange(clockStateOf(row), change)
    // the list shows what the conversation says, not notes or the system's remarks
    const shown = message.authorKind !== 'system' && !message.internal
    // the customer writing again gives back every chain someone had taken (SPEC §11.2.2)
    const rearmed =
      message.authorKind === 'customer'
        ? rearmChains(row.acknowledgements, message.at, row.openSince)
        : null
    const [ticket] = await tx
      .update(tickets)
      .set({
        ...next,
        ...(rearmed ? { acknowledgements: rearmed } : {}),
        // the first staff reply is stored with it, in this transaction (SPEC §8.1)
        ...slaInstantsAfter(row, next, change),
        updatedAt: message.at,
        ...(shown ? { lastMessageAt: message.at, preview: previewOf(message.body) } : {}),
        ...(message.trigger
          ? {
              pendingTriggers: withPendingTrigger(row.pendingTriggers, message.trigger, message.at),
            }
          : {}),
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
    if (query.slaStatus) {
      const wanted = query.slaStatus.split(',')
      where.push(
        inArray(
          tickets.slaStatus,
          SLA_STATUSES.filter((status) => wanted.includes(status)),
        ),
      )
    }
    const longestWaiting = query.sort === 'longest_waiting'
    if (query.cursor) {
      const after = longestWaiting
        ? afterWaitingCursor(query.cursor)
        : olderThanCursor(tickets.createdAt, tickets.id, query.cursor)
      if (after) where.push(after)
    }
    const limit = query.limit ? Number(query.limit) : DEFAULT_PAGE
    const [rows, counts] = await Promise.all([
      db
        .select()
        .from(tickets)
        .where(and(...where))
        .orderBy(
          ...(longestWaiting ? longestWaitingOrder : [desc(tickets.createdAt), desc(tickets.id)]),
        )
        .limit(limit + 1),
      countTickets(db, spaceId),
    ])
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    const more = rows.length > limit && last
    return {
      tickets: page.map(toTicketDto),
      nextCursor: more
        ? longestWaiting
          ? encodeWaitingCursor(last)
          : encodePageCursor(last)
        : null,
      counts,
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
        // shown on the message; staff who took it down are already there, so nothing fires
        sentiment:
          input.message.authorKind === 'customer' ? scoreMessage(input.message.body).score : null,
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
      let instants = { firstResponseAt: current.firstResponseAt, resolvedAt: current.resolvedAt }
      const status = input.status ?? current.status
      if (holdUntil !== undefined && status !== 'on_hold') {
        throw badRequest('holdUntil: only a ticket on hold has one', 'holdUntil')
      }
      if (input.status !== undefined || holdUntil !== undefined) {
        const until =
          holdUntil !== undefined ? holdUntil : status === current.status ? current.holdUntil : null
        if (status !== current.status || until?.getTime() !== current.holdUntil?.getTime()) {
          const change: TicketChange = { kind: 'status', status, holdUntil: until, at: now }
          state = applyChange(state, change)
          instants = slaInstantsAfter(current, state, change)
        }
      }
      const [updated] = await tx
        .update(tickets)
        .set({
          ...state,
          ...instants,
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

  /**
   * Unassigns the open and held tickets of a member removed from the space, each in its own
   * transaction with its next due instant (a rule may look at the assignee); one reassigned
   * meanwhile is left as it is. Resolved and closed tickets keep who handled them.
   */
  async function unassignRemoved(spaceId: string, userId: string): Promise<number> {
    const assigned = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(
        and(
          eq(tickets.spaceId, spaceId),
          eq(tickets.assignedToUserId, userId),
          inArray(tickets.status, ['open', 'on_hold']),
        ),
      )
    let freed = 0
    for (const { id } of assigned) {
      const now = clock()
      const row = await db.transaction(async (tx) => {
        const current = await lockTicket(tx, spaceId, id)
        if (current.assignedToUserId !== userId) return null
        const [updated] = await tx
          .update(tickets)
          .set({ assignedToUserId: null, updatedAt: now })
          .where(eq(tickets.id, id))
          .returning()
        if (!updated) throw new Error('ticket vanished while locked')
        return withDueInstant(tx, updated, now)
      })
      if (!row) continue
      freed += 1
      changed(spaceId, [{ kind: 'updated', ticket: toTicketDto(row) }])
    }
    return freed
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
   * Inside an inbound transaction: the customer's deliveries are handled one at a time, in
   * every server process (an advisory lock per key, taken in one order), so two arriving
   * together cannot open two tickets.
   */
  async function lockInbound(tx: Tx, inbox: InboxRow, keys: Array<string | null>): Promise<void> {
    const taken = [...new Set(keys.filter((k): k is string => k !== null))].sort()
    for (const key of taken) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`inbound:${inbox.id}:${key}`}))`)
    }
  }

  /**
   * The customer's open (or held) ticket in the inbox, locked, else a new one (`subject` for
   * it). A ticket found by the caller (`known`) comes first.
   */
  async function ticketForCustomer(
    tx: Tx,
    inbox: InboxRow,
    customer: ReturnType<typeof cleanCustomer>,
    subject: string,
    at: Date,
    known: string | null = null,
  ): Promise<{ row: TicketRow; created: boolean }> {
    const same = [
      ...(known ? [eq(tickets.id, known)] : []),
      ...(customer.phone ? [eq(tickets.customerPhone, customer.phone)] : []),
      ...(customer.email ? [eq(tickets.customerEmail, customer.email)] : []),
    ]
    const [open] =
      same.length === 0
        ? []
        : await tx
            .select()
            .from(tickets)
            .where(
              and(
                eq(tickets.inboxId, inbox.id),
                inArray(tickets.status, ['open', 'on_hold']),
                or(...same),
              ),
            )
            .orderBy(
              // the conversation's own ticket before any other of the customer's
              ...(known ? [sql`${tickets.id} = ${known} desc`] : []),
              desc(tickets.createdAt),
            )
            .limit(1)
            .for('update')
    if (open) {
      if (!customer.name || open.customerName) return { row: open, created: false }
      const [named] = await tx
        .update(tickets)
        .set({ customerName: customer.name })
        .where(eq(tickets.id, open.id))
        .returning()
      if (!named) throw new Error('ticket vanished while locked')
      return { row: named, created: false }
    }
    const [row] = await tx
      .insert(tickets)
      .values({
        spaceId: inbox.spaceId,
        inboxId: inbox.id,
        subject,
        customerName: customer.name,
        customerEmail: customer.email,
        customerPhone: customer.phone,
        ...newClockState(at),
        createdAt: at,
        updatedAt: at,
      })
      .returning()
    if (!row) throw new Error('ticket was not created')
    return { row, created: true }
  }

  /** Runs an inbound transaction, once more if a racing delivery of the same ids won. */
  async function withRetryOnDuplicate<T>(idempotent: boolean, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      // the same delivery twice at once under two customer keys: the unique index kept one
      if (!idempotent || !isUniqueViolation(error)) throw error
      return run()
    }
  }

  /**
   * A customer message from a channel: appended to the customer's open (or held) ticket in
   * the inbox, or a new ticket. A provider message id seen before in this inbox is not stored
   * again. What it sets off (SPEC §11.1) waits on the ticket for the scheduler, which fires it
   * at once.
   */
  async function receiveInbound(input: InboundInput): Promise<InboundResponse> {
    const customer = cleanCustomer(input.customer)
    if (!customer.email && !customer.phone) {
      throw badRequest('customer: give an email or a phone number to reply to', 'customer')
    }
    const providerMessageId = input.providerMessageId ?? null
    const { inbox } = input
    // pure work, before the transaction: the score shown on the message, and what it sets off
    const sentiment = scoreMessage(input.body)
    const trigger = detectMessageTrigger(triggerSettingsOf(inbox), input.body, sentiment)
    const run = () =>
      db.transaction(async (tx) => {
        await lockInbound(tx, inbox, [customer.phone ?? customer.email])
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
        const at = clock()
        const subject = input.subject?.trim() || subjectFrom(input.body) || 'New conversation'
        const { row, created } = await ticketForCustomer(tx, inbox, customer, subject, at)
        const appended = await appendMessage(tx, row, {
          authorKind: 'customer',
          authorUserId: null,
          body: input.body,
          internal: false,
          providerMessageId,
          at,
          sentiment: sentiment.score,
          trigger,
        })
        const ticket = await withDueInstant(tx, appended.ticket, at)
        return { created, message: appended.message, ticket } as const
      })
    const result = await withRetryOnDuplicate(providerMessageId !== null, run)
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
   * A conversation a bot hands over (SPEC §11.1.3): its turns become the ticket's messages
   * (customer turns as the customer's, bot turns as `bot`, which never answer the customer in
   * the clock's eyes), on the conversation's ticket, else the customer's open one, else a new
   * one. With a `conversationId`, turns stored before are skipped, so a retry or a longer
   * transcript adds only what is new. A trigger it sets off waits on the ticket for the
   * scheduler, like a message's.
   */
  async function receiveConversation({
    inbox,
    body,
  }: ConversationInput): Promise<InboundConversationResponse> {
    const customer = requireCustomer(body.customer)
    if (!body.turns.some((turn) => turn.from === 'customer')) {
      throw badRequest('turns: a conversation needs at least one turn from the customer', 'turns')
    }
    const ids = body.conversationId
      ? body.turns.map((_, index) => `conversation:${body.conversationId}:${index}`)
      : null
    const run = () =>
      db.transaction(async (tx) => {
        await lockInbound(tx, inbox, [
          customer.phone ?? customer.email,
          body.conversationId ? `conversation:${body.conversationId}` : null,
        ])
        const stored = ids
          ? await tx
              .select({
                ticketId: ticketMessages.ticketId,
                providerMessageId: ticketMessages.providerMessageId,
              })
              .from(ticketMessages)
              .where(
                and(
                  eq(ticketMessages.inboxId, inbox.id),
                  inArray(ticketMessages.providerMessageId, ids),
                ),
              )
          : []
        const seen = new Set(stored.map((s) => s.providerMessageId))
        const fresh = body.turns
          .map((turn, index) => ({ turn, id: ids?.[index] ?? null }))
          .filter(({ id }) => id === null || !seen.has(id))
        if (fresh.length === 0) {
          return { duplicate: stored[0]?.ticketId ?? null } as const
        }
        const lines: ConversationLine[] = body.turns.map((t) => ({
          from: t.from,
          text: t.text,
          outcome: t.outcome ?? null,
        }))
        const freshLines = fresh.map(({ turn }) => ({
          from: turn.from,
          text: turn.text,
          outcome: turn.outcome ?? null,
        }))
        const scores: SentimentScore[] = freshLines.map((line) =>
          line.from === 'customer' ? scoreMessage(line.text) : { score: 0, words: [] },
        )
        const trigger = detectConversationTrigger(
          triggerSettingsOf(inbox),
          lines,
          freshLines,
          scores,
          body.handoff === true,
        )
        const at = clock()
        const firstWords = body.turns.find((turn) => turn.from === 'customer')?.text ?? ''
        const subject =
          body.subject?.trim() || subjectFrom(firstWords) || 'Conversation with the bot'
        const found = await ticketForCustomer(
          tx,
          inbox,
          customer,
          subject,
          at,
          stored[0]?.ticketId ?? null,
        )
        let row = found.row
        const messages: MessageRow[] = []
        for (const [index, { turn, id }] of fresh.entries()) {
          const appended = await appendMessage(tx, row, {
            authorKind: turn.from,
            authorUserId: null,
            body: turn.text,
            internal: false,
            providerMessageId: id,
            at,
            sentiment: turn.from === 'customer' ? (scores[index]?.score ?? 0) : null,
            botOutcome: turn.outcome ?? null,
            trigger: index === fresh.length - 1 ? trigger : null,
          })
          row = appended.ticket
          messages.push(appended.message)
        }
        const ticket = await withDueInstant(tx, row, at)
        return { created: found.created, ticket, messages, trigger } as const
      })
    const result = await withRetryOnDuplicate(ids !== null, run)
    if ('duplicate' in result) {
      if (!result.duplicate) throw new Error('a repeated conversation without its ticket')
      return { ticketId: result.duplicate, ticketCreated: false, turnsStored: 0, trigger: null }
    }
    const ticket = toTicketDto(result.ticket)
    changed(inbox.spaceId, [
      ...(result.created ? [{ kind: 'created' as const, ticket }] : []),
      ...result.messages.map((message) => ({
        kind: 'message' as const,
        ticket,
        message: toMessageDto(message),
      })),
    ])
    return {
      ticketId: ticket.id,
      ticketCreated: result.created,
      turnsStored: result.messages.length,
      trigger: result.trigger?.kind ?? null,
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
        const change: TicketChange = { kind: 'status', status: 'open', holdUntil: null, at: now }
        const state = applyChange(clockStateOf(held), change)
        const [row] = await tx
          .update(tickets)
          .set({ ...state, ...slaInstantsAfter(held, state, change), updatedAt: now })
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

  /** The space's counts of waiting and escalated tickets, whatever a list shows (§4.2). */
  function counts(spaceId: string): Promise<TicketCounts> {
    return countTickets(db, spaceId)
  }

  async function read(spaceId: string, ticketId: string) {
    const row = await findTicket(db, spaceId, ticketId)
    if (!row) throw notFound('No such ticket in this space.')
    return row
  }

  return {
    list,
    counts,
    create,
    update,
    unassignRemoved,
    addStaffMessage,
    receiveInbound,
    receiveConversation,
    checkHolds,
    reopenEndedHolds,
    read,
    announce: changed,
  }
}

export type TicketService = ReturnType<typeof createTicketService>

// Inbox and ticket DTOs, REST schemas and events (SPEC §4, §6.2). Owned by the inbox feature.
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { DateTime, Uuid } from './api.js'
import { BusinessCalendar } from './calendar.js'
import { TICKET_PRIORITIES, TICKET_STATUSES } from './escalation-rule.js'
import { literals } from './literals.js'
import { SLA_STATUSES, SlaStatusSchema } from './sla.js'
import { Text } from './text.js'
import { BOT_OUTCOMES, TRIGGER_KINDS } from './trigger-kinds.js'

function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()])
}

export const TicketStatusSchema = literals(TICKET_STATUSES)
export const TicketPrioritySchema = literals(TICKET_PRIORITIES)

/** `bot`: a turn of a conversation a bot handed over (SPEC §11.1.3); never material. */
export const MESSAGE_AUTHOR_KINDS = ['customer', 'staff', 'system', 'bot'] as const
export const MessageAuthorKind = literals(MESSAGE_AUTHOR_KINDS)
export type MessageAuthorKind = Static<typeof MessageAuthorKind>

/** The longest message body accepted, staff or customer (a long email fits; a dump does not). */
export const MAX_MESSAGE_LENGTH = 20_000

const MessageBody = Text({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH, pattern: '\\S' })
const Subject = Text({ minLength: 1, maxLength: 300, pattern: '\\S' })
const Category = Text({ minLength: 1, maxLength: 100 })
const Email = Text({ maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' })
const Phone = Text({ minLength: 3, maxLength: 40, pattern: '^\\+?[0-9 ()./-]+$' })
const CustomerName = Text({ minLength: 1, maxLength: 200 })
/** A text number (`+15550100`), an email address or any other channel address. */
const ChannelAddress = Text({ minLength: 3, maxLength: 320, pattern: '^\\S(?:.*\\S)?$' })

// ---------------------------------------------------------------------------------------------
// Inboxes

export const InboxDto = Type.Object({
  id: Uuid,
  spaceId: Uuid,
  name: Type.String(),
  channelAddress: Type.Union([Type.String(), Type.Null()]),
  adminUserIds: Type.Array(Uuid),
  /** The inbox's own business hours; null = the space's default calendar. */
  calendar: Type.Union([BusinessCalendar, Type.Null()]),
  /**
   * The secret inbound deliveries authenticate with. Present only for admins and managers
   * of the space, who configure the SMS provider.
   */
  webhookSecret: Type.Optional(Type.String()),
  createdAt: DateTime,
})
export type InboxDto = Static<typeof InboxDto>

export const InboxListResponse = Type.Object({ inboxes: Type.Array(InboxDto) })
export type InboxListResponse = Static<typeof InboxListResponse>

export const InboxResponse = Type.Object({ inbox: InboxDto })
export type InboxResponse = Static<typeof InboxResponse>

export const InboxParams = Type.Object({ spaceId: Uuid, inboxId: Uuid })
export type InboxParams = Static<typeof InboxParams>

export const InboxCreate = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    channelAddress: Type.Optional(Type.Union([ChannelAddress, Type.Null()])),
    adminUserIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
    /** Checked further by `validateCalendar` (timezone, overlapping intervals, dates). */
    calendar: Type.Optional(Type.Union([Type.Unknown(), Type.Null()])),
  },
  { additionalProperties: false },
)
export type InboxCreate = Static<typeof InboxCreate>

export const InboxUpdate = Type.Partial(InboxCreate, { additionalProperties: false })
export type InboxUpdate = Static<typeof InboxUpdate>

// ---------------------------------------------------------------------------------------------
// Tickets

export const TicketCustomer = Type.Object({
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
})
export type TicketCustomer = Static<typeof TicketCustomer>

/**
 * One entry of a ticket's `escalationHistory` (SPEC §6.3.5): as the REST API shows it, as
 * `tickets.escalation_history` stores it, and (with `escalatedAt` as a `Date`) as the rules
 * engine reads it. Declared here only.
 */
export const EscalationHistoryEntryDto = Type.Object({
  escalatedAt: DateTime,
  /** The rule that fired; null for an escalation no rule fired. */
  ruleId: Type.Union([Type.String(), Type.Null()]),
  ruleName: Type.Optional(Type.String()),
  escalatedFrom: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  escalatedTo: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  escalationType: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  /** `escalationLevel` after this firing. */
  level: Type.Number(),
  /** The instant trigger that set it off (SPEC §11.1); absent for a timed firing. */
  trigger: Type.Optional(literals(TRIGGER_KINDS)),
  /**
   * Why it fired, when not because its rule's clock reached the threshold (SPEC §11.2.3):
   * `acknowledge_timeout`, the chain's previous level went unacknowledged and climbed to this
   * rule; `fallback`, it went unacknowledged at the top of its chain and went to this rule's
   * fallback target.
   */
  cause: Type.Optional(Type.Union([Type.Literal('acknowledge_timeout'), Type.Literal('fallback')])),
  /**
   * The firing this entry records, its rule's chain and the members it went to (SPEC §11.2):
   * what a ticket view needs to offer "I'm on it" to a target on any device. Absent on entries
   * written before 2026-12-03.
   */
  firingId: Type.Optional(Uuid),
  chain: Type.Optional(Type.String()),
  targetUserIds: Type.Optional(Type.Array(Type.String())),
})
export type EscalationHistoryEntryDto = Static<typeof EscalationHistoryEntryDto>

/** The ways "I'm on it" can arrive (SPEC §11.2.1); `app` is the pop-up or the REST API. */
export const ACKNOWLEDGE_CHANNELS = ['app', 'push', 'email', 'slack', 'sms'] as const
export type AcknowledgeChannel = (typeof ACKNOWLEDGE_CHANNELS)[number]

/** Why an acknowledgement stopped silencing its chain before any snooze ran out (§11.2). */
export const ACKNOWLEDGEMENT_END_REASONS = ['customer_wrote', 'let_go'] as const
export type AcknowledgementEndReason = (typeof ACKNOWLEDGEMENT_END_REASONS)[number]

/**
 * "I'm on it" for one chain of a ticket (SPEC §11.2): who took it, from which firing, and
 * until when it silences the chain's further levels. It silences while `endedAt` is null and
 * `snoozedUntil` is null or still ahead. The latest one per chain is kept.
 */
export const TicketAcknowledgementDto = Type.Object({
  chain: Type.String(),
  firingId: Uuid,
  /** The level of the firing that was taken. */
  level: Type.Integer({ minimum: 1 }),
  userId: Uuid,
  acknowledgedAt: DateTime,
  /** Where it was taken: the pop-up, a push notification, a link, an SMS reply. */
  via: literals(ACKNOWLEDGE_CHANNELS),
  /** A snooze (§11.2.4): the chain goes on at this instant unless something ends it sooner. */
  snoozedUntil: Nullable(DateTime),
  /** When the customer wrote again or the acknowledger let go; null while neither happened. */
  endedAt: Nullable(DateTime),
  endReason: Nullable(literals(ACKNOWLEDGEMENT_END_REASONS)),
})
export type TicketAcknowledgementDto = Static<typeof TicketAcknowledgementDto>

export const TicketDto = Type.Object({
  id: Uuid,
  spaceId: Uuid,
  inboxId: Uuid,
  subject: Type.String(),
  customer: TicketCustomer,
  status: TicketStatusSchema,
  /** When an `on_hold` ticket reopens by itself; null = held until someone reopens it. */
  holdUntil: Nullable(DateTime),
  priority: TicketPrioritySchema,
  category: Type.Union([Type.String(), Type.Null()]),
  /** null = unassigned */
  assignedToUserId: Type.Union([Uuid, Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
  /** Start of the current open life: created, or last reopened after resolved/closed (§6.2 `age`). */
  openSince: DateTime,
  /** The first customer message staff has not answered; null = not waiting on staff (§6.2). */
  waitingSince: Nullable(DateTime),
  /** Firings since staff last answered, or the ticket was last resolved or closed (§6.2). */
  escalationLevel: Type.Integer({ minimum: 0 }),
  lastEscalatedAt: Nullable(DateTime),
  escalationHistory: Type.Array(EscalationHistoryEntryDto),
  /** The latest "I'm on it" of each chain that fired (§11.2), ended ones included. */
  acknowledgements: Type.Array(TicketAcknowledgementDto),
  lastMessageAt: Nullable(DateTime),
  /** The start of the latest message that is not an internal note, for the list. */
  preview: Type.String(),
  /** When staff first answered the customer (a reply, not a note); null until then (§8.1). */
  firstResponseAt: Nullable(DateTime),
  /** When the ticket was last resolved or closed; null while it is open or on hold. */
  resolvedAt: Nullable(DateTime),
  /** The SLA status now (§8.1); null when no SLA policy applies. Staff only. */
  slaStatus: Nullable(SlaStatusSchema),
  /**
   * Minutes from creation to the first staff reply, on the SLA policy's clock (business
   * minutes when it counts business hours; wall-clock without a policy); null until then.
   */
  firstResponseTime: Nullable(Type.Number({ minimum: 0 })),
  /** When the next pending SLA target is breached; null when none is pending. */
  slaDueAt: Nullable(DateTime),
})
export type TicketDto = Static<typeof TicketDto>

export const TicketMessageDto = Type.Object({
  id: Uuid,
  ticketId: Uuid,
  authorKind: MessageAuthorKind,
  /** The staff member who wrote it; null for customer and system messages. */
  authorUserId: Type.Union([Uuid, Type.Null()]),
  body: Type.String(),
  /** An internal note: staff only, never a material response (§4, §6.2). */
  internal: Type.Boolean(),
  createdAt: DateTime,
  /**
   * A staff reply sent to the customer (SMS inboxes, SPEC §7): `sending` until the provider
   * took it (`error` then says why the last try failed), `sent`, or `failed` with the reason.
   * Absent for messages that are not sent anywhere.
   */
  delivery: Type.Optional(
    Type.Object({
      state: Type.Union([Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed')]),
      error: Nullable(Type.String()),
    }),
  ),
  /**
   * A customer message's sentiment (SPEC §11.1.2): AFINN valences summed over its words,
   * negative = unhappy. Absent on other messages.
   */
  sentiment: Type.Optional(Type.Integer()),
  /** A bot turn (or a customer turn the bot marked): `resolved` or `fallback` (SPEC §11.1.3). */
  botOutcome: Type.Optional(literals(BOT_OUTCOMES)),
})
export type TicketMessageDto = Static<typeof TicketMessageDto>

export const TicketParams = Type.Object({ spaceId: Uuid, ticketId: Uuid })
export type TicketParams = Static<typeof TicketParams>

const STATUS_LIST = `(?:${TICKET_STATUSES.join('|')})`
const PRIORITY_LIST = `(?:${TICKET_PRIORITIES.join('|')})`
const SLA_LIST = `(?:${SLA_STATUSES.join('|')})`

/** The orders of the ticket list: newest first (the default), or longest waiting first. */
export const TICKET_SORTS = ['newest', 'longest_waiting'] as const
export type TicketSort = (typeof TICKET_SORTS)[number]

/**
 * `GET /api/spaces/:spaceId/tickets` filters. Query values are strings: lists are
 * comma-separated (`status=open,on_hold`), `assignee` is a user id, `me` or `none`.
 */
export const TicketListQuery = Type.Object(
  {
    inboxId: Type.Optional(Uuid),
    status: Type.Optional(Type.String({ pattern: `^${STATUS_LIST}(?:,${STATUS_LIST})*$` })),
    priority: Type.Optional(Type.String({ pattern: `^${PRIORITY_LIST}(?:,${PRIORITY_LIST})*$` })),
    assignee: Type.Optional(
      Type.Union([Uuid, Type.Literal('me'), Type.Literal('none')], {
        description: 'a user id, `me` or `none` (unassigned)',
      }),
    ),
    /** `true`: tickets escalated at least once (§8's perspective); `false`: never escalated. */
    escalated: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    /** `true`: tickets waiting on staff now. */
    waiting: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
    /** SLA statuses, comma-separated (`at_risk,breached`); tickets without an SLA never match. */
    slaStatus: Type.Optional(Type.String({ pattern: `^${SLA_LIST}(?:,${SLA_LIST})*$` })),
    /**
     * `newest` (the default): newest first. `longest_waiting`: the tickets waiting on staff,
     * longest first (`waitingSince` oldest first), then the others newest first. A cursor
     * belongs to the order that gave it out.
     */
    sort: Type.Optional(literals(TICKET_SORTS)),
    /** From the previous page's `nextCursor`. */
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$' })),
  },
  { additionalProperties: false },
)
export type TicketListQuery = Static<typeof TicketListQuery>

/**
 * The space's whole inbox at a glance, whatever the filters and page (SPEC §4.2): `open`
 * tickets waiting on staff (`waitingSince` set), and `open` tickets escalated and unanswered
 * since (`escalationLevel` above 0, the flares of §6.6).
 */
export const TicketCounts = Type.Object({
  waiting: Type.Integer({ minimum: 0 }),
  escalated: Type.Integer({ minimum: 0 }),
})
export type TicketCounts = Static<typeof TicketCounts>

export const TicketListResponse = Type.Object({
  /** In the order asked for (`sort`): newest first by default. */
  tickets: Type.Array(TicketDto),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  /** The counts of the whole space, not of the filters or the page. */
  counts: TicketCounts,
})
export type TicketListResponse = Static<typeof TicketListResponse>

/** `GET …/tickets/counts`: the list's `counts` alone, for a client keeping them current. */
export const TicketCountsResponse = Type.Object({ counts: TicketCounts })
export type TicketCountsResponse = Static<typeof TicketCountsResponse>

/** `POST …/tickets` and `PATCH …/tickets/:ticketId`: the ticket as stored. */
export const TicketOnlyResponse = Type.Object({ ticket: TicketDto })
export type TicketOnlyResponse = Static<typeof TicketOnlyResponse>

export const TicketResponse = Type.Object({
  ticket: TicketDto,
  /** Oldest first. */
  messages: Type.Array(TicketMessageDto),
})
export type TicketResponse = Static<typeof TicketResponse>

export const TicketCustomerInput = Type.Object(
  {
    name: Type.Optional(Type.Union([CustomerName, Type.Null()])),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
  },
  { additionalProperties: false },
)

export const TicketCreate = Type.Object(
  {
    inboxId: Uuid,
    subject: Subject,
    customer: TicketCustomerInput,
    priority: Type.Optional(TicketPrioritySchema),
    category: Type.Optional(Type.Union([Category, Type.Null()])),
    assignedToUserId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    /**
     * The first message: from the customer (a phone call taken down; the ticket waits on
     * staff) or from staff (an outbound conversation; it does not).
     */
    message: Type.Optional(
      Type.Object(
        {
          body: MessageBody,
          authorKind: Type.Union([Type.Literal('customer'), Type.Literal('staff')]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
export type TicketCreate = Static<typeof TicketCreate>

export const TicketUpdate = Type.Object(
  {
    subject: Type.Optional(Subject),
    status: Type.Optional(TicketStatusSchema),
    /** Only with `status: 'on_hold'` (or on a ticket already on hold); null = no end. */
    holdUntil: Type.Optional(Nullable(DateTime)),
    priority: Type.Optional(TicketPrioritySchema),
    category: Type.Optional(Type.Union([Category, Type.Null()])),
    assignedToUserId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    customer: Type.Optional(TicketCustomerInput),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type TicketUpdate = Static<typeof TicketUpdate>

export const TicketMessageCreate = Type.Object(
  { body: MessageBody },
  { additionalProperties: false },
)
export type TicketMessageCreate = Static<typeof TicketMessageCreate>

export const TicketMessageResponse = Type.Object({
  ticket: TicketDto,
  message: TicketMessageDto,
})
export type TicketMessageResponse = Static<typeof TicketMessageResponse>

// ---------------------------------------------------------------------------------------------
// Inbound (customer messages from a channel)

export const InboundParams = Type.Object({ inboxId: Uuid })
export type InboundParams = Static<typeof InboundParams>

/** `POST /api/inbound/inboxes/:inboxId/messages`: one customer message, as JSON. */
export const InboundMessage = Type.Object(
  {
    customer: TicketCustomerInput,
    body: MessageBody,
    /** The subject of a new ticket; by default the start of the body. */
    subject: Type.Optional(Subject),
    /** The provider's id of this message: a second delivery with the same id is stored once. */
    messageId: Type.Optional(Text({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type InboundMessage = Static<typeof InboundMessage>

/**
 * `POST /api/inbound/sms`: an SMS provider's form webhook. `To` picks the inbox by its text
 * number; the message id is `MessageSid` (Twilio), `SmsSid` or `MessageId`. Other fields the
 * provider sends are ignored.
 */
export const SmsWebhookForm = Type.Object({
  From: Phone,
  To: ChannelAddress,
  Body: Text({ maxLength: MAX_MESSAGE_LENGTH }),
  MessageSid: Type.Optional(Text({ minLength: 1, maxLength: 200 })),
  SmsSid: Type.Optional(Text({ minLength: 1, maxLength: 200 })),
  MessageId: Type.Optional(Text({ minLength: 1, maxLength: 200 })),
})
export type SmsWebhookForm = Static<typeof SmsWebhookForm>

export const InboundResponse = Type.Object({
  ticketId: Uuid,
  messageId: Uuid,
  /** A new ticket was opened for this message. */
  ticketCreated: Type.Boolean(),
  /** This delivery repeated one already stored; nothing changed. */
  duplicate: Type.Boolean(),
})
export type InboundResponse = Static<typeof InboundResponse>

// ---------------------------------------------------------------------------------------------
// Socket.IO (to every member of the space)

/** `ticket:message`: a message was added; `ticket` is the ticket after it (as REST answers). */
export const TicketMessageEvent = TicketMessageResponse
export type TicketMessageEvent = Static<typeof TicketMessageEvent>

/** The inbox's server → client events, to every member of the space. Tickets change over REST. */
export const TicketServerEvents = {
  /** A ticket was opened (inbound or by staff). */
  'ticket:created': TicketDto,
  /** A ticket's fields changed (status, priority, assignee, waiting state, hold ended …). */
  'ticket:updated': TicketDto,
  /** A message was added to a ticket; `ticket` is the ticket after it. */
  'ticket:message': TicketMessageEvent,
  /**
   * The space's counts (as the list's `counts`) after tickets changed: at most about once a
   * second per space, counted once by the server for everyone rather than asked for by each.
   */
  'ticket:counts': TicketCountsResponse,
}

import {
  type BotOutcome,
  type BusinessCalendar,
  CHAT_THREAD_KINDS,
  type ChatMentions,
  type DeliveryEvent,
  type EndReason,
  ESCALATION_ACTIONS,
  ESCALATION_COLORS,
  type EscalationHistoryEntryDto,
  type EscalationRuleFields,
  type InboxTriggers,
  MEMBER_ROLES,
  MESSAGE_AUTHOR_KINDS,
  type SlaMetric,
  type SlaStatus,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TicketAcknowledgementDto,
  type TriggerKind,
  type UserPreferences,
} from '@flare/protocol'
import { sql } from 'drizzle-orm'
import {
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()

// every enum is built from the protocol's list, so the database accepts exactly what the API does
export const memberRole = pgEnum('member_role', MEMBER_ROLES)

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // stored lower-cased: logins compare case-insensitively
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    phone: text('phone'),
    preferences: jsonb('preferences')
      .$type<UserPreferences>()
      .notNull()
      .default(sql`'{"emailNotifications":true,"sound":true,"push":false}'::jsonb`),
    /** The profile picture's version (a hash of its bytes); null = none, show initials. */
    pictureVersion: text('picture_version'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
)

/** Raw bytes: PGlite answers a Uint8Array, node-postgres a Buffer; both read back as Buffer. */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
})

/**
 * Profile pictures (SPEC §2.6), apart from `users` so a user row stays small: checked PNG,
 * JPEG or WebP bytes, never SVG, served with the type stored here.
 */
export const userPictures = pgTable('user_pictures', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  contentType: text('content_type').notNull(),
  bytes: bytea('bytes').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

export const spaces = pgTable('spaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  mapWidth: integer('map_width').notNull(),
  mapHeight: integer('map_height').notNull(),
  timezone: text('timezone').notNull(),
  createdAt: createdAt(),
  // the space's default business hours (SPEC §5); null = Mon–Fri 09:00–17:00 in `timezone`
  calendar: jsonb('calendar').$type<BusinessCalendar>(),
  // one more whenever its members or groups change (SPEC §1.5.5): a snapshot carries it, so a
  // page that missed a change while away reads the space again
  directoryVersion: integer('directory_version').notNull().default(0),
})

export const memberships = pgTable(
  'memberships',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole('role').notNull(),
    // the org hierarchy used by the `manager` escalation target (SPEC §1)
    managerUserId: uuid('manager_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.spaceId, t.userId] }),
    index('memberships_user_idx').on(t.userId),
  ],
)

export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // the `@handle` used in mentions and the recipient picker, without the `@`
    handle: text('handle').notNull(),
    createdAt: createdAt(),
    // the team's number in its space (1, 2, …): seed 004's rules name teams by number
    // (`escalateToTeamId: 1`); null for a team that has none
    number: integer('number'),
  },
  (t) => [
    uniqueIndex('groups_space_handle_key').on(t.spaceId, t.handle),
    uniqueIndex('groups_space_number_key').on(t.spaceId, t.number),
  ],
)

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
)

export const meetingRooms = pgTable(
  'meeting_rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    x: integer('x').notNull(),
    y: integer('y').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
  },
  (t) => [index('meeting_rooms_space_idx').on(t.spaceId)],
)

export const inboxes = pgTable(
  'inboxes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // for SMS, the inbox's text number; inbound webhooks pick the inbox by it
    channelAddress: text('channel_address'),
    createdAt: createdAt(),
    // authenticates inbound deliveries (SMS webhook, JSON endpoint); every inbox gets its own,
    // including those that existed before the column did
    webhookSecret: text('webhook_secret')
      .notNull()
      .default(
        sql`(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''))`,
      ),
    // the inbox's own business hours; null = the space's default calendar (SPEC §5)
    calendar: jsonb('calendar').$type<BusinessCalendar>(),
    // the inbox's instant triggers (SPEC §11.1); null = the defaults
    triggers: jsonb('triggers').$type<InboxTriggers>(),
  },
  (t) => [
    index('inboxes_space_idx').on(t.spaceId),
    uniqueIndex('inboxes_channel_address_key').on(t.channelAddress),
  ],
)

export const inboxAdmins = pgTable(
  'inbox_admins',
  {
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.inboxId, t.userId] })],
)

export const sessions = pgTable(
  'sessions',
  {
    // SHA-256 of the cookie's token: a database leak does not hand out live sessions
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // SHA-256 of the token; the token itself is shown once, at creation
    tokenHash: text('token_hash').notNull(),
    // the first characters, so a user can tell their tokens apart in a list
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_tokens_hash_key').on(t.tokenHash),
    index('api_tokens_user_idx').on(t.userId),
  ],
)

export const chatChannelKind = pgEnum('chat_channel_kind', CHAT_THREAD_KINDS)

/**
 * Chat messages of a space: the space-wide channel, or a direct thread between two members
 * (a mention chat is a direct thread opened addressed with `@name`).
 */
export const chatMessages = pgTable(
  'chat_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: chatChannelKind('kind').notNull(),
    // for `direct`: the two user ids sorted and joined by ':', so one thread has one key
    threadKey: text('thread_key').notNull(),
    body: text('body').notNull(),
    mentions: jsonb('mentions')
      .$type<ChatMentions>()
      .notNull()
      .default(sql`'{"userIds":[],"groupIds":[]}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [index('chat_messages_thread_idx').on(t.spaceId, t.threadKey, t.createdAt)],
)

/** How far each member has read each thread, for unread counts. */
export const chatReads = pgTable(
  'chat_reads',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    threadKey: text('thread_key').notNull(),
    lastReadAt: timestamp('last_read_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.userId, t.threadKey] })],
)

export const escalationColor = pgEnum('escalation_color', ESCALATION_COLORS)

/** Manual escalations (the raised hand, SPEC §3). */
export const escalations = pgTable(
  'escalations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    raisedBy: uuid('raised_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    color: escalationColor('color').notNull(),
    // as chosen by the raiser
    recipientUserIds: jsonb('recipient_user_ids').$type<string[]>().notNull(),
    recipientGroupIds: jsonb('recipient_group_ids').$type<string[]>().notNull(),
    // the users actually notified: groups expanded at the moment of raising, raiser removed
    notifiedUserIds: jsonb('notified_user_ids').$type<string[]>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: text('end_reason').$type<EndReason>(),
    endedBy: uuid('ended_by').references(() => users.id, { onDelete: 'set null' }),
    // 'space': raised by a member in the space, so it ends when they leave or stay disconnected;
    // 'api': raised by an integration, so it stays until ended explicitly
    origin: text('origin').$type<'space' | 'api'>().notNull().default('space'),
  },
  (t) => [
    // one active escalation per member, enforced by the database across every server process
    uniqueIndex('escalations_one_active_key')
      .on(t.spaceId, t.raisedBy)
      .where(sql`${t.endedAt} is null`),
    index('escalations_space_started_idx').on(t.spaceId, t.startedAt),
  ],
)

export const escalationResponses = pgTable(
  'escalation_responses',
  {
    escalationId: uuid('escalation_id')
      .notNull()
      .references(() => escalations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    action: text('action', { enum: ESCALATION_ACTIONS }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.escalationId, t.userId, t.action] })],
)

export const ticketStatus = pgEnum('ticket_status', TICKET_STATUSES)
export const ticketPriority = pgEnum('ticket_priority', TICKET_PRIORITIES)
export const messageAuthorKind = pgEnum('message_author_kind', MESSAGE_AUTHOR_KINDS)

/**
 * Customer conversations in an inbox (SPEC §4). The columns line up with the rules engine's
 * `TicketSnapshot`; `waiting_since` is kept exact on every change (SPEC §6.2) so the
 * scheduler never has to derive it from the messages.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    customerName: text('customer_name'),
    // stored lower-cased: inbound mail finds the customer's open ticket by it
    customerEmail: text('customer_email'),
    // stored without spaces or punctuation: inbound SMS finds the customer's open ticket by it
    customerPhone: text('customer_phone'),
    status: ticketStatus('status').notNull().default('open'),
    holdUntil: timestamp('hold_until', { withTimezone: true }),
    priority: ticketPriority('priority').notNull().default('medium'),
    category: text('category'),
    assignedToUserId: uuid('assigned_to_user_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    // the `age` clock's period: created, or last reopened after resolved/closed
    openSince: timestamp('open_since', { withTimezone: true }).notNull().defaultNow(),
    // the `waiting` clock's period: first unanswered customer message, null when not waiting
    waitingSince: timestamp('waiting_since', { withTimezone: true }),
    escalationLevel: integer('escalation_level').notNull().default(0),
    lastEscalatedAt: timestamp('last_escalated_at', { withTimezone: true }),
    // stored as the API shows it; `TicketSnapshot.escalationHistory` reads it with Date instants
    escalationHistory: jsonb('escalation_history')
      .$type<EscalationHistoryEntryDto[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    // "I'm on it", the latest per chain (SPEC §11.2), stored as the API shows it; the
    // scheduler reads it with the history, so it holds across restarts and processes
    acknowledgements: jsonb('acknowledgements')
      .$type<TicketAcknowledgementDto[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    // when the escalation scheduler must look at this ticket again; null = not until it changes
    nextDueAt: timestamp('next_due_at', { withTimezone: true }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    preview: text('preview').notNull().default(''),
    // the first staff reply to the customer (SPEC §8.1): set once, by the transaction that
    // stores that reply; the SLA's first-response clock and `firstResponseTime` stop here
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    // when the ticket was last resolved or closed; null while open or on hold
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    // the SLA as of the last change or transition (SPEC §8.1), kept by whoever stores
    // `next_due_at`, in the same transaction: the scheduler wakes at each transition, so these
    // are never more than a moment old; null = no policy applies
    slaStatus: text('sla_status').$type<SlaStatus>(),
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }),
    firstResponseTime: doublePrecision('first_response_time'),
    // instant triggers set off by a customer message and not fired yet (SPEC §11.1): written
    // with the message, with `next_due_at` now, and cleared by the firing that answers them
    pendingTriggers: jsonb('pending_triggers')
      .$type<PendingTrigger[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    // the supervisor's metrics read these two instead of the history (SPEC §8.2): the first
    // firing ever, written by the firing's own statement, and how many firings there were
    firstEscalatedAt: timestamp('first_escalated_at', { withTimezone: true }),
    escalationCount: integer('escalation_count')
      .notNull()
      .generatedAlwaysAs(sql`jsonb_array_length(escalation_history)`),
    // the two durations the metrics take percentiles of (SPEC §8.2, decision 0010), in ms as
    // float8, kept by the database so a request sorts stored floats instead of computing them:
    // creation to the first firing, and the first firing to the resolution when that came after
    timeToEscalateMs: doublePrecision('time_to_escalate_ms').generatedAlwaysAs(
      sql`date_part('epoch', first_escalated_at - created_at) * 1000`,
    ),
    resolutionAfterEscalationMs: doublePrecision(
      'resolution_after_escalation_ms',
    ).generatedAlwaysAs(
      sql`case when resolved_at >= first_escalated_at then date_part('epoch', resolved_at - first_escalated_at) * 1000 end`,
    ),
  },
  (t) => [
    index('tickets_space_created_idx').on(t.spaceId, t.createdAt, t.id),
    index('tickets_inbox_status_idx').on(t.inboxId, t.status),
    index('tickets_next_due_idx').on(t.nextDueAt).where(sql`${t.nextDueAt} is not null`),
    index('tickets_hold_until_idx')
      .on(t.holdUntil)
      .where(sql`${t.status} = 'on_hold' and ${t.holdUntil} is not null`),
    index('tickets_inbox_phone_idx').on(t.inboxId, t.customerPhone),
    index('tickets_inbox_email_idx').on(t.inboxId, t.customerEmail),
    // the inbox's "longest waiting first" (SPEC §4.2.2): the customers waiting, oldest wait first
    index('tickets_space_waiting_idx')
      .on(t.spaceId, t.waitingSince)
      .where(sql`${t.waitingSince} is not null`),
    // the background recompute walks a space's live (open and held) tickets in id order
    index('tickets_space_live_idx')
      .on(t.spaceId, t.id)
      .where(sql`${t.status} in ('open', 'on_hold')`),
    // live counts of tickets at risk or breached (the wallboard)
    index('tickets_space_sla_idx')
      .on(t.spaceId, t.slaStatus)
      .where(sql`${t.slaStatus} is not null and ${t.status} in ('open', 'on_hold')`),
    // metrics over a period (SPEC §8.2) read only these indexes (index-only scans): every
    // ticket for the counts, and the escalated ones alone for the durations
    // (the team filter reads the assignee from the table: it is the rare one)
    index('tickets_metrics_idx').on(
      t.spaceId,
      t.createdAt,
      t.escalationCount,
      t.firstResponseTime,
      t.inboxId,
      t.priority,
      t.status,
      t.resolvedAt,
    ),
    // the escalated ones alone, with their two durations: the percentiles are an index-only
    // scan and a sort of floats
    index('tickets_escalated_durations_idx')
      .on(
        t.spaceId,
        t.createdAt,
        t.timeToEscalateMs,
        t.resolutionAfterEscalationMs,
        t.resolvedAt,
        t.inboxId,
        t.priority,
      )
      .where(sql`${t.firstEscalatedAt} is not null`),
    // the few tickets nobody answered, whose first-response target the SLA engine settles
    index('tickets_unanswered_metrics_idx')
      .on(t.spaceId, t.createdAt, t.inboxId, t.priority, t.status, t.resolvedAt)
      .where(sql`${t.firstResponseTime} is null`),
  ],
)

/**
 * The supervisor's counts (SPEC §8.2, decision 0010) per 15 minutes of creation, inbox and
 * priority: tickets, escalated, escalated more than once, and answered within or past the
 * first-response target that applies now. Written by the database alone: triggers on `tickets`
 * add each change as a row of `ticket_metric_deltas` in the writer's own transaction, a
 * compaction folds those in here, and a change of a space's SLA policies recounts the space.
 * A reader sums both tables in one statement. 15 minutes: every timezone's local days and
 * hours start on one.
 */
export const ticketMetricCounts = pgTable(
  'ticket_metric_counts',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    slot: timestamp('slot', { withTimezone: true }).notNull(),
    // no foreign key: a deleted inbox's tickets are taken away by deltas written as they go
    inboxId: uuid('inbox_id').notNull(),
    priority: ticketPriority('priority').notNull(),
    tickets: integer('tickets').notNull(),
    escalated: integer('escalated').notNull(),
    repeated: integer('repeated').notNull(),
    slaMet: integer('sla_met').notNull(),
    slaMissed: integer('sla_missed').notNull(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.slot, t.inboxId, t.priority] })],
)

/**
 * Changes to `ticket_metric_counts` not folded in yet, signed: only ever inserted (by the
 * triggers on `tickets`), so writers never wait on each other, and deleted by the compaction
 * that adds them to the counts in the same statement.
 */
export const ticketMetricDeltas = pgTable(
  'ticket_metric_deltas',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    slot: timestamp('slot', { withTimezone: true }).notNull(),
    inboxId: uuid('inbox_id').notNull(),
    priority: ticketPriority('priority').notNull(),
    tickets: integer('tickets').notNull(),
    escalated: integer('escalated').notNull(),
    repeated: integer('repeated').notNull(),
    slaMet: integer('sla_met').notNull(),
    slaMissed: integer('sla_missed').notNull(),
  },
  (t) => [index('ticket_metric_deltas_space_slot_idx').on(t.spaceId, t.slot)],
)

export const ticketMessages = pgTable(
  'ticket_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    // carried here so a provider's message id is unique per inbox, whichever ticket it landed on
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    authorKind: messageAuthorKind('author_kind').notNull(),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    // internal notes are staff-only and never a material response (SPEC §4, §6.2)
    internal: boolean('internal').notNull().default(false),
    createdAt: createdAt(),
    providerMessageId: text('provider_message_id'),
    // the order messages were stored in: several may share one instant
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    // a staff reply sent to the customer (SMS inboxes): its outbox row and how it went
    deliveryId: uuid('delivery_id'),
    deliveryState: text('delivery_state').$type<'sending' | 'sent' | 'failed'>(),
    deliveryError: text('delivery_error'),
    // a customer message's lexicon score (SPEC §11.1.2); null on other messages
    sentiment: integer('sentiment'),
    // a bot turn's outcome, or a customer turn's as the bot marked it (SPEC §11.1.3)
    botOutcome: text('bot_outcome').$type<BotOutcome>(),
  },
  (t) => [
    index('ticket_messages_ticket_idx').on(t.ticketId, t.seq),
    // a provider that delivers one message twice gets it stored once
    uniqueIndex('ticket_messages_provider_key')
      .on(t.inboxId, t.providerMessageId)
      .where(sql`${t.providerMessageId} is not null`),
  ],
)

/**
 * Failed-login counters, one row per account (normalised email) and per address, shared by
 * every server process (SPEC §1). A row's key is a SHA-256, so attackers' guesses are not kept
 * as text. Attempts are counted before the password is checked; a success clears the account.
 */
export const loginThrottles = pgTable(
  'login_throttles',
  {
    scope: text('scope').$type<'account' | 'address'>().notNull(),
    keyHash: text('key_hash').notNull(),
    failures: integer('failures').notNull(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.keyHash] }),
    index('login_throttles_last_attempt_idx').on(t.lastAttemptAt),
  ],
)

/**
 * Fixed-window counters for per-member limits (chat messages), shared by every server
 * process: one atomic upsert per hit, so a burst on several processes cannot slip past.
 */
export const rateLimitWindows = pgTable(
  'rate_limit_windows',
  {
    key: text('key').primaryKey(),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull(),
  },
  (t) => [index('rate_limit_windows_started_idx').on(t.windowStartedAt)],
)

/** Small facts about this database itself: whether the demo was seeded, the cookie secret. */
export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * Automatic escalation rules (SPEC §6.1). The rule's own fields live in `definition` as the
 * API shows them (`EscalationRuleFields`), so a new optional field needs no migration; the
 * columns are what the database itself must know: the space, the inbox (its deletion takes
 * its rules with it) and the audit fields.
 */
export const escalationRules = pgTable(
  'escalation_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    inboxId: uuid('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    definition: jsonb('definition').$type<EscalationRuleFields>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('escalation_rules_space_idx').on(t.spaceId)],
)

/** On-call rotations: ordered members and whose turn is next (round-robin, one step per firing). */
export const rotations = pgTable(
  'rotations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    memberIds: jsonb('member_ids').$type<string[]>().notNull(),
    nextIndex: integer('next_index').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('rotations_space_idx').on(t.spaceId)],
)

/** One firing of one rule on one ticket (SPEC §6.3.5): what acknowledgements refer to. */
export const escalationFirings = pgTable(
  'escalation_firings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    // no foreign key: the history outlives a deleted rule
    ruleId: uuid('rule_id').notNull(),
    level: integer('level').notNull(),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }).notNull(),
    targetUserIds: jsonb('target_user_ids').$type<string[]>().notNull(),
    // the rule's chain when it fired: "I'm on it" silences this chain (SPEC §11.2); null for
    // firings recorded before chains were stored, read as `default`
    chain: text('chain'),
    // the first person who took this firing (the ticket's `acknowledgements` say what is in force)
    acknowledgedBy: uuid('acknowledged_by').references(() => users.id, { onDelete: 'set null' }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
  },
  (t) => [
    // a second process that somehow fired the same rule at the same instant is refused here
    uniqueIndex('escalation_firings_once_key').on(t.ticketId, t.ruleId, t.escalatedAt),
    // the perspective (SPEC §8.3): a space's firings newest first, and a ticket's latest one
    index('escalation_firings_space_at_idx').on(t.spaceId, t.escalatedAt, t.id),
    index('escalation_firings_ticket_at_idx').on(t.ticketId, t.escalatedAt, t.id),
  ],
)

/**
 * The durable outbox of notifications (SPEC §7): written in the firing's transaction, one row
 * per target and channel, delivered afterwards by the delivery worker of any process. The
 * idempotency key makes a retried firing or delivery impossible to record twice, and travels
 * on every message sent so receivers can drop a repeat.
 *
 * A row is due when `state = 'pending'` and `next_attempt_at` has passed. Claiming it moves
 * `next_attempt_at` to the end of a lease and sets `lease_token`: a process killed mid-send
 * leaves the row due again when the lease ends, and an outcome is recorded only by the holder
 * of the current lease.
 */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    // what the row is about: a firing (`ticket.escalated`), a staff reply to a customer
    // (`ticket.reply`), a raised hand (`hand.raised`), an "I'm on it" (`ticket.acknowledged`) or
    // an SLA pre-breach warning (`ticket.sla_warning`)
    event: text('event').$type<DeliveryEvent>().notNull().default('ticket.escalated'),
    firingId: uuid('firing_id').references(() => escalationFirings.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id').references(() => ticketMessages.id, { onDelete: 'cascade' }),
    escalationId: uuid('escalation_id').references(() => escalations.id, { onDelete: 'cascade' }),
    slaWarningId: uuid('sla_warning_id').references(() => slaWarnings.id, { onDelete: 'cascade' }),
    // `user:<id>`, `email:<address>`, `phone:<E.164>`, `webhook:<endpoint id>` or `space` (Slack)
    target: text('target').notNull(),
    channel: text('channel').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    state: text('state').$type<'pending' | 'sent' | 'failed'>().notNull().default('pending'),
    // attempts since the row was (re)queued; a manual retry starts again from 0
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    // a failed row's error cannot pass by trying again as it is (a provider's 4xx, an SMTP 5xx,
    // a missing phone number): the log offers a fix rather than a retry. False while pending,
    // after an exhausted transient error, and once a manual retry queues the row again
    lastErrorPermanent: boolean('last_error_permanent').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    // when the row was queued, or queued again by "retry now": the give-up age counts from it
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    // due instant while pending; while leased, the end of the lease
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseToken: uuid('lease_token'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    // the provider's id for the sent message (an SMS sid, an SMTP response), for support
    providerId: text('provider_id'),
    // without SMTP_URL / SMS_API_URL: what would have been sent, kept for the delivery log
    captured: jsonb('captured').$type<CapturedMessage>(),
  },
  (t) => [
    uniqueIndex('notification_outbox_idempotency_key').on(t.idempotencyKey),
    index('notification_outbox_firing_idx').on(t.firingId),
    index('notification_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
    index('notification_outbox_space_idx').on(t.spaceId, t.createdAt, t.id),
    index('notification_outbox_message_idx').on(t.messageId),
    // a member's in-app escalations that no client of theirs has shown yet, read at every join
    index('notification_outbox_unreceived_idx')
      .on(t.target, t.spaceId)
      .where(sql`${t.state} = 'pending' and ${t.channel} = 'in_app'`),
    // a member's in-app escalations of the last hours, shown or not: a snapshot brings back
    // the cards of those still live (SPEC §7.2.1.1)
    index('notification_outbox_in_app_idx')
      .on(t.target, t.spaceId, t.queuedAt)
      .where(sql`${t.channel} = 'in_app'`),
  ],
)

/** An instant trigger waiting for the scheduler to fire it (SPEC §11.1). */
export interface PendingTrigger {
  kind: TriggerKind
  /** Names the trigger and what matched; the firing adds the rule's name. */
  reason: string
  /** The customer's words that set it off, as written. */
  words: string[]
  score?: number
  /** ISO instant of the message that set it off. */
  at: string
}

/** A message the built-in sink kept instead of sending (no SMTP_URL / SMS_API_URL). */
export interface CapturedMessage {
  from: string
  to: string
  subject?: string
  text: string
  html?: string
}

/** Signed webhook endpoints of a space (SPEC §7). The secret signs every delivery. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    secret: text('secret').notNull(),
    events: jsonb('events').$type<string[]>().notNull().default(sql`'["ticket.escalated"]'::jsonb`),
    createdAt: createdAt(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('webhook_endpoints_space_idx').on(t.spaceId)],
)

/** A space's Slack incoming webhook (SPEC §7). */
export const slackIntegrations = pgTable('slack_integrations', {
  spaceId: uuid('space_id')
    .primaryKey()
    .references(() => spaces.id, { onDelete: 'cascade' }),
  webhookUrl: text('webhook_url').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
})

/** Browsers that may receive Web Push for a user (SPEC §7). */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('push_subscriptions_endpoint_key').on(t.endpoint),
    index('push_subscriptions_user_idx').on(t.userId),
  ],
)

/** A space's own wording of a notification, per channel; absent = the built-in default. */
export const notificationTemplates = pgTable(
  'notification_templates',
  {
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    channel: text('channel').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.name, t.channel] })],
)

/**
 * SLA policies (SPEC §8.1): per space and priority, optionally per inbox (an inbox's own policy
 * for a priority wins over the space-wide one). `PUT …/sla-policies` replaces a space's set.
 */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    // null = every inbox of the space without a policy of its own for this priority
    inboxId: uuid('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    priority: ticketPriority('priority').notNull(),
    // targets in minutes of the policy's clock; null = no such target
    firstResponseMinutes: integer('first_response_minutes'),
    resolutionMinutes: integer('resolution_minutes'),
    // true: business minutes of the inbox's calendar (else the space's); false: wall-clock
    businessHours: boolean('business_hours').notNull().default(true),
    atRiskPercent: integer('at_risk_percent').notNull().default(80),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    // one policy per priority space-wide, and one per priority in each inbox
    uniqueIndex('sla_policies_space_priority_key')
      .on(t.spaceId, t.priority)
      .where(sql`${t.inboxId} is null`),
    uniqueIndex('sla_policies_inbox_priority_key')
      .on(t.inboxId, t.priority)
      .where(sql`${t.inboxId} is not null`),
  ],
)

/**
 * Pre-breach warnings sent (SPEC §8.1): one row per ticket, target and transition, claimed
 * with an insert that the unique key refuses a second time, so a warning goes out once across
 * restarts and processes (as `escalation_firings` does for firings).
 */
export const slaWarnings = pgTable(
  'sla_warnings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    metric: text('metric').$type<SlaMetric>().notNull(),
    status: text('status').$type<'at_risk'>().notNull(),
    // when the ticket crossed into `status`, and when the warning was sent
    at: timestamp('at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    warnedAt: timestamp('warned_at', { withTimezone: true }).notNull(),
    targetUserIds: jsonb('target_user_ids').$type<string[]>().notNull(),
  },
  (t) => [uniqueIndex('sla_warnings_once_key').on(t.ticketId, t.metric, t.status)],
)

/** Who changed which setting when (SPEC §8: rule and setting changes are kept). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_space_at_idx').on(t.spaceId, t.at),
    // the audit page filters by kind (SPEC §8.4)
    index('audit_log_space_entity_at_idx').on(t.spaceId, t.entity, t.at),
  ],
)

/**
 * Wallboard links (SPEC §8.5): a read-only live view for a TV, opened without a login. The
 * link carries a random token; only its SHA-256 is kept, so a database leak opens no board.
 * Revoking sets `revoked_at` and closes the board's live connection in every process.
 */
export const wallboards = pgTable(
  'wallboards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    spaceId: uuid('space_id')
      .notNull()
      .references(() => spaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    // the first characters of the token, so admins can tell links apart
    prefix: text('prefix').notNull(),
    // null = the whole space; else the board counts this inbox's tickets only
    inboxId: uuid('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('wallboards_token_hash_key').on(t.tokenHash),
    index('wallboards_space_idx').on(t.spaceId, t.createdAt),
  ],
)

/**
 * The background recompute of a space's due instants after a rule or calendar change
 * (docs/decisions/0003). A change bumps `generation` in its own transaction, so the request is
 * as durable as the change; any server process then works through the open tickets in batches,
 * keeping its place in `cursor`, so a pass survives the death of the process that began it.
 */
export const dueRecomputes = pgTable('due_recomputes', {
  spaceId: uuid('space_id')
    .primaryKey()
    .references(() => spaces.id, { onDelete: 'cascade' }),
  // bumped by every rule or calendar change of the space
  generation: integer('generation').notNull().default(1),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
  // the generation the current (or last) pass recomputes for, and the last one finished
  passGeneration: integer('pass_generation').notNull().default(0),
  finishedGeneration: integer('finished_generation').notNull().default(0),
  // the last ticket id the pass has done: tickets are walked in id order
  cursor: uuid('cursor'),
  done: integer('done').notNull().default(0),
  total: integer('total').notNull().default(0),
  startedAt: timestamp('started_at', { withTimezone: true }),
})

export const schema = {
  users,
  spaces,
  memberships,
  groups,
  groupMembers,
  meetingRooms,
  inboxes,
  inboxAdmins,
  sessions,
  apiTokens,
  chatMessages,
  chatReads,
  escalations,
  escalationResponses,
  tickets,
  ticketMessages,
  appMeta,
  escalationRules,
  rotations,
  escalationFirings,
  notificationOutbox,
  webhookEndpoints,
  slackIntegrations,
  pushSubscriptions,
  notificationTemplates,
  auditLog,
  slaPolicies,
  slaWarnings,
  wallboards,
  dueRecomputes,
  loginThrottles,
  rateLimitWindows,
}

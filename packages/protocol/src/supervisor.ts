// The supervisor's contract (SPEC §8.2–§8.5): metrics over a period, the perspective of
// escalated tickets, the audit log and wallboard links with their live counts.
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { DateTime, Uuid } from './api.js'
import { TICKET_PRIORITIES, TICKET_STATUSES } from './escalation-rule.js'
import { literals } from './literals.js'
import { AUDIT_KINDS } from './supervisor-words.js'
import { Text } from './text.js'

export type { AuditKind } from './supervisor-words.js'
export { AUDIT_KINDS } from './supervisor-words.js'

function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()])
}

/**
 * A bound of a metrics period: a local date of the space's timezone (`2026-11-23`: `from` is
 * that day's start, `to` that day's end) or an instant with its offset
 * (`2026-11-23T09:00:00Z`).
 */
const PeriodBound = Type.String({
  pattern:
    '^\\d{4}-\\d{2}-\\d{2}(?:T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,3})?)?(?:Z|[+-]\\d{2}:\\d{2}))?$',
  maxLength: 40,
})

/** `GET /api/spaces/:spaceId/metrics` (SPEC §8.2). */
export const MetricsQuery = Type.Object(
  {
    from: Type.Optional(PeriodBound),
    to: Type.Optional(PeriodBound),
    inboxId: Type.Optional(Uuid),
    priority: Type.Optional(literals(TICKET_PRIORITIES)),
    /** A group of the space: tickets assigned to its members, hands raised by them. */
    teamId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
)
export type MetricsQuery = Static<typeof MetricsQuery>

/** A share, with what it was computed from: `value = numerator / denominator` (null when 0/0). */
export const MetricRatio = Type.Object({
  value: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  numerator: Type.Integer({ minimum: 0 }),
  denominator: Type.Integer({ minimum: 0 }),
})
export type MetricRatio = Static<typeof MetricRatio>

/**
 * Durations in milliseconds over `count` cases: the median and the 90th percentile, linearly
 * interpolated between the closest ranks (PostgreSQL's `percentile_cont`); null when count is 0.
 */
export const MetricDurations = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  medianMs: Nullable(Type.Number({ minimum: 0 })),
  p90Ms: Nullable(Type.Number({ minimum: 0 })),
})
export type MetricDurations = Static<typeof MetricDurations>

/** One bar of the charts: an hour (periods of two days or less) or a local day. */
export const MetricsBucket = Type.Object({
  start: DateTime,
  end: DateTime,
  tickets: Type.Integer({ minimum: 0 }),
  escalated: Type.Integer({ minimum: 0 }),
  repeated: Type.Integer({ minimum: 0 }),
  timeToEscalateMedianMs: Nullable(Type.Number({ minimum: 0 })),
  slaMet: Type.Integer({ minimum: 0 }),
  slaMissed: Type.Integer({ minimum: 0 }),
  handsRaised: Type.Integer({ minimum: 0 }),
  handsResponded: Type.Integer({ minimum: 0 }),
  handResponseMedianMs: Nullable(Type.Number({ minimum: 0 })),
})
export type MetricsBucket = Static<typeof MetricsBucket>

export const MetricsResponse = Type.Object({
  period: Type.Object({
    /** The first instant counted and the first one not counted. */
    from: DateTime,
    to: DateTime,
    timezone: Type.String(),
    bucket: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  }),
  filters: Type.Object({
    inboxId: Nullable(Uuid),
    priority: Nullable(literals(TICKET_PRIORITIES)),
    teamId: Nullable(Uuid),
  }),
  /** Tickets created in the period: the cohort every ticket figure is about. */
  tickets: Type.Integer({ minimum: 0 }),
  /** Tickets of the cohort with at least one firing ÷ tickets of the cohort. */
  escalationRate: MetricRatio,
  /** From a ticket's creation to its first firing, over the escalated tickets. */
  timeToEscalate: MetricDurations,
  /** From the first firing to resolved (or closed), over escalated tickets resolved since. */
  resolutionAfterEscalation: Type.Object({
    ...MetricDurations.properties,
    /** Escalated tickets not resolved (or closed) now. */
    unresolved: Type.Integer({ minimum: 0 }),
  }),
  /** Tickets with two firings or more ÷ escalated tickets. */
  repeatEscalationRate: MetricRatio,
  /**
   * First responses within their SLA target ÷ tickets whose first-response target was met or
   * missed (those still inside their target are `pending`, in neither).
   */
  slaCompliance: Type.Object({
    ...MetricRatio.properties,
    pending: Type.Integer({ minimum: 0 }),
  }),
  /** Raised hands started in the period, and how fast a first person responded. */
  hands: Type.Object({
    raised: Type.Integer({ minimum: 0 }),
    responded: MetricRatio,
    timeToResponse: MetricDurations,
  }),
  /** The same figures per bucket, oldest first, for the charts. */
  series: Type.Array(MetricsBucket),
})
export type MetricsResponse = Static<typeof MetricsResponse>

// ---------------------------------------------------------------------------------------------
// The perspective (SPEC §8.3)

export const PerspectiveQuery = Type.Object(
  {
    inboxId: Type.Optional(Uuid),
    /** The level of the latest firing shown (1 = first level). */
    level: Type.Optional(Type.String({ pattern: '^[1-9][0-9]?$' })),
    ruleId: Type.Optional(Uuid),
    /** A member's id, or `none` for unassigned tickets. */
    assignee: Type.Optional(Type.Union([Uuid, Type.Literal('none')])),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$' })),
    /** One ticket's row only (what a live update asks for). */
    ticketId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
)
export type PerspectiveQuery = Static<typeof PerspectiveQuery>

/**
 * One row of the perspective: a ticket that received an escalation, with its latest firing
 * among those the filters select.
 */
export const PerspectiveItem = Type.Object({
  firingId: Uuid,
  ticket: Type.Object({
    id: Uuid,
    inboxId: Uuid,
    subject: Type.String(),
    customerName: Nullable(Type.String()),
    priority: literals(TICKET_PRIORITIES),
    status: literals(TICKET_STATUSES),
    assignedToUserId: Nullable(Uuid),
    /** Firings since staff last answered: 0 once someone replied. */
    escalationLevel: Type.Integer({ minimum: 0 }),
    /** Every firing the ticket ever had. */
    escalationCount: Type.Integer({ minimum: 0 }),
  }),
  ruleId: Uuid,
  /** As the rule was named when it fired. */
  ruleName: Type.String(),
  level: Type.Integer({ minimum: 1 }),
  reason: Type.String(),
  escalatedAt: DateTime,
  /** Members the firing went to (in the app or by their email, SMS, push). */
  notifiedUserIds: Type.Array(Uuid),
  /** An address it went to instead (a rule's email or phone), else null. */
  notifiedAddress: Nullable(Type.String()),
  acknowledgedBy: Nullable(Uuid),
  acknowledgedAt: Nullable(DateTime),
})
export type PerspectiveItem = Static<typeof PerspectiveItem>

export const PerspectiveResponse = Type.Object({
  /** Newest firing first. */
  items: Type.Array(PerspectiveItem),
  nextCursor: Nullable(Type.String()),
})
export type PerspectiveResponse = Static<typeof PerspectiveResponse>

/** Supervisor server → client events: sent to the space's admins and managers only. */
export const SupervisorServerEvents = {
  /** A ticket fired or its firing was acknowledged: its perspective row as it is now. */
  'perspective:updated': PerspectiveItem,
}

// ---------------------------------------------------------------------------------------------
// The audit log (SPEC §8.4)

const KindList = `(?:${AUDIT_KINDS.join('|')})`

export const AuditQuery = Type.Object(
  {
    /** Comma-separated kinds (`escalation_rule,business_hours`). */
    kind: Type.Optional(Type.String({ pattern: `^${KindList}(?:,${KindList})*$` })),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$' })),
  },
  { additionalProperties: false },
)
export type AuditQuery = Static<typeof AuditQuery>

/** One changed value: `path` is dotted (`conditions.0.value`); a side is absent as null. */
export const AuditChange = Type.Object({
  path: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
})
export type AuditChange = Static<typeof AuditChange>

export const AuditEntryDto = Type.Object({
  id: Uuid,
  at: DateTime,
  actor: Nullable(Type.Object({ userId: Uuid, displayName: Type.String() })),
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  kind: Type.String(),
  entityId: Nullable(Type.String()),
  /** What a person calls the thing: the rule's name, the inbox's name, the channel. */
  label: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  /** Every value that differs between before and after, in document order. */
  changes: Type.Array(AuditChange),
})
export type AuditEntryDto = Static<typeof AuditEntryDto>

export const AuditResponse = Type.Object({
  /** Newest first. */
  entries: Type.Array(AuditEntryDto),
  nextCursor: Nullable(Type.String()),
})
export type AuditResponse = Static<typeof AuditResponse>

// ---------------------------------------------------------------------------------------------
// Wallboards (SPEC §8.5)

export const WallboardCreate = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: 100 }),
    /** Count one inbox's tickets only; omitted or null = the whole space. */
    inboxId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
)
export type WallboardCreate = Static<typeof WallboardCreate>

export const WallboardDto = Type.Object({
  id: Uuid,
  name: Type.String(),
  inboxId: Nullable(Uuid),
  /** The token's first characters, to tell links apart; the token itself is shown once. */
  prefix: Type.String(),
  createdBy: Nullable(Uuid),
  createdAt: DateTime,
  lastSeenAt: Nullable(DateTime),
})
export type WallboardDto = Static<typeof WallboardDto>

export const WallboardListResponse = Type.Object({ wallboards: Type.Array(WallboardDto) })
export type WallboardListResponse = Static<typeof WallboardListResponse>

/** `POST …/wallboards`: the board, its token and the link to open on the TV (shown once). */
export const WallboardCreated = Type.Object({
  wallboard: WallboardDto,
  token: Type.String(),
  url: Type.String(),
})
export type WallboardCreated = Static<typeof WallboardCreated>

export const WallboardParams = Type.Object({ spaceId: Uuid, wallboardId: Uuid })
export type WallboardParams = Static<typeof WallboardParams>

/** The first message a board sends on `GET /api/wallboard/live`: its token (never in the URL). */
export const WallboardHello = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
)
export type WallboardHello = Static<typeof WallboardHello>

/** The live counts a board shows. */
export const WallboardCounts = Type.Object({
  /** Open tickets waiting on staff. */
  waiting: Type.Integer({ minimum: 0 }),
  /** Open or held tickets whose SLA is at risk, and those already breached. */
  atRisk: Type.Integer({ minimum: 0 }),
  breached: Type.Integer({ minimum: 0 }),
  /** Open tickets escalated since staff last answered (`escalationLevel` > 0). */
  escalated: Type.Integer({ minimum: 0 }),
  /** Raised hands up now (space-wide, whatever the board's inbox). */
  hands: Type.Integer({ minimum: 0 }),
  /** Since when the longest-waiting customer has waited; null when nobody waits. */
  oldestWaitingSince: Nullable(DateTime),
})
export type WallboardCounts = Static<typeof WallboardCounts>

/** What `GET /api/wallboard/live` sends, one JSON object per message. */
export const WallboardMessage = Type.Union([
  Type.Object({
    type: Type.Literal('counts'),
    board: Type.Object({ name: Type.String(), spaceName: Type.String() }),
    serverTime: DateTime,
    counts: WallboardCounts,
  }),
  /** Sent before the server closes: `revoked` (the link was revoked) or `unknown`. */
  Type.Object({
    type: Type.Literal('closed'),
    reason: Type.Union([Type.Literal('revoked'), Type.Literal('unknown')]),
  }),
])
export type WallboardMessage = Static<typeof WallboardMessage>

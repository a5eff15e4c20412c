import { type Static, Type } from '@sinclair/typebox'
import { Uuid } from './api.js'
import { literals } from './literals.js'
import { ErrorCode } from './result.js'
import { SLA_STATUSES } from './sla-status.js'
import { Text } from './text.js'
import { TRIGGER_KINDS } from './trigger-kinds.js'
import { type Parsed, parse } from './validate.js'

export const TICKET_STATUSES = ['open', 'on_hold', 'resolved', 'closed'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]
export const TICKET_PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const
export type TicketPriority = (typeof TICKET_PRIORITIES)[number]

/** The ticket priorities a rule applies to; `all` matches every priority. */
export const RULE_PRIORITIES = [...TICKET_PRIORITIES, 'all'] as const
export const RulePriority = literals(RULE_PRIORITIES)
export type RulePriority = (typeof RULE_PRIORITIES)[number]

/**
 * Ticket fields a condition may test (SPEC §6.1). `customerTag` tests the customer's tags;
 * `trigger` makes the rule an instant-trigger rule (SPEC §11.1): it fires when a trigger
 * happens, never by its clock.
 */
export const CONDITION_FIELDS = [
  'status',
  'priority',
  'categoryId',
  'assignedToUserId',
  'escalationLevel',
  'slaStatus',
  'firstResponseTime',
  'customerTag',
  'trigger',
] as const
export type ConditionField = (typeof CONDITION_FIELDS)[number]

export const CONDITION_OPERATORS = ['equals', 'not_equals', 'in', 'not_in', 'contains'] as const
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number]

/** Fields holding free text, the only ones `contains` applies to. */
export const TEXT_CONDITION_FIELDS: readonly ConditionField[] = ['slaStatus', 'customerTag']
/** Fields that may be empty, so `null` is a meaningful value (`assignedToUserId: null` = unassigned). */
export const NULLABLE_CONDITION_FIELDS: readonly ConditionField[] = [
  'categoryId',
  'assignedToUserId',
  'slaStatus',
  'firstResponseTime',
]

// numbers are accepted because the seed's examples use numeric ids (`categoryId: 5`);
// conditions compare them to our string ids by their decimal text
const Scalar = Type.Union([Text({ maxLength: 200 }), Type.Number(), Type.Null()])
export const ConditionValue = Type.Union([Scalar, Type.Array(Scalar, { maxItems: 100 })])
export type ConditionValue = Static<typeof ConditionValue>

/** `{field, operator, value}`; all conditions of a rule must hold. */
export const RuleCondition = Type.Object(
  {
    field: literals(CONDITION_FIELDS),
    operator: literals(CONDITION_OPERATORS),
    value: ConditionValue,
  },
  { additionalProperties: false },
)
export type RuleCondition = Static<typeof RuleCondition>

export const ESCALATION_TARGETS = [
  'assigned',
  'manager',
  'team',
  'specific_user',
  'rotation',
  'email',
  'phone',
] as const
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number]

export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'sms', 'slack', 'webhook', 'push'] as const
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number]

export const RULE_CLOCKS = ['waiting', 'age'] as const
export type RuleClock = (typeof RULE_CLOCKS)[number]

export const RULE_ACTIONS = ['notify', 'email'] as const
export type RuleAction = (typeof RULE_ACTIONS)[number]

/** Which extra field each target needs (SPEC §6.1); targets not listed need none. */
export const TARGET_REQUIRED_FIELD = {
  team: 'escalateToTeamId',
  specific_user: 'escalateToUserId',
  rotation: 'escalateToRotationId',
  email: 'recipientEmail',
  phone: 'recipientPhone',
} as const satisfies Partial<Record<EscalationTarget, string>>

/** Minutes in a leap year: no threshold or repeat may be longer. */
const MAX_MINUTES = 527_040
const Minutes = Type.Integer({ minimum: 1, maximum: MAX_MINUTES })
/** Ids as stored rules carry them (rules stored before ids were checked may hold others). */
const Id = Type.String({ minLength: 1, maxLength: 64 })
const NullableId = Type.Union([Id, Type.Null()])
/** Ids a request names: UUIDs, so a typo is a 400 naming the field, never a database error. */
const NullableRef = Type.Union([Uuid, Type.Null()])
/** A team's number in its space (1, 2, …), as seed 004's examples name teams. */
const TeamNumber = Type.Integer({ minimum: 1, maximum: 1_000_000 })

const ruleFields = {
  name: Text({ minLength: 1, maxLength: 120 }),
  description: Type.Optional(Type.Union([Text({ maxLength: 1000 }), Type.Null()])),
  // optional: seed 004's SLA-aligned example leaves it out, and a rule one writes is meant on
  enabled: Type.Optional(Type.Boolean({ default: true })),
  inboxId: Type.Optional(
    Type.Union([Uuid, Type.Null()], { description: 'The inbox watched; null = every inbox.' }),
  ),
  priority: RulePriority,
  chain: Type.Optional(
    Text({
      minLength: 1,
      maxLength: 64,
      default: 'default',
      description: 'Escalation chain; rules of different chains never silence each other.',
    }),
  ),
  conditions: Type.Optional(Type.Array(RuleCondition, { maxItems: 20, default: [] })),
  clock: Type.Optional(literals(RULE_CLOCKS, { default: 'waiting' })),
  escalateAfterMinutes: Minutes,
  repeatEveryMinutes: Type.Optional(
    Type.Union([Minutes, Type.Null()], { default: null, description: 'null = one-shot' }),
  ),
  businessHoursOnly: Type.Optional(Type.Boolean({ default: true })),
  escalateTo: Type.Optional(literals(ESCALATION_TARGETS, { default: 'assigned' })),
  escalateToTeamId: Type.Optional(
    Type.Union([Uuid, TeamNumber, Type.Null()], {
      description: "The team's id, or its number in the space (seed 004 writes `1`).",
    }),
  ),
  escalateToUserId: Type.Optional(NullableRef),
  escalateToRotationId: Type.Optional(NullableRef),
  recipientEmail: Type.Optional(
    Type.Union([Text({ maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' }), Type.Null()]),
  ),
  recipientPhone: Type.Optional(
    Type.Union([Text({ pattern: '^\\+[1-9]\\d{6,14}$' }), Type.Null()], {
      description: 'E.164, e.g. +14155550100',
    }),
  ),
  notificationChannels: Type.Optional(
    Type.Array(literals(NOTIFICATION_CHANNELS), { minItems: 1, uniqueItems: true }),
  ),
  action: Type.Optional(Type.Union([literals(RULE_ACTIONS), Type.Null()])),
  addInternalNote: Type.Optional(Type.Boolean({ default: false })),
  internalNoteTemplate: Type.Optional(Type.Union([Text({ maxLength: 1000 }), Type.Null()])),
}

/**
 * `POST /api/tickets/escalation-rules`. Omitted fields take their defaults: `enabled` true,
 * `chain` `default`, `clock` `waiting`, `businessHoursOnly` true, `escalateTo` `assigned`,
 * `conditions` [], `repeatEveryMinutes` null, `addInternalNote` false, and without
 * `notificationChannels` or `action`, the in-app pop-up (`['in_app']`).
 */
export const EscalationRuleCreate = Type.Object(ruleFields, { additionalProperties: false })
export type EscalationRuleCreate = Static<typeof EscalationRuleCreate>

/** `PUT /api/tickets/escalation-rules/:id`: any subset of the create body's fields. */
export const EscalationRuleUpdate = Type.Partial(EscalationRuleCreate, { minProperties: 1 })
export type EscalationRuleUpdate = Static<typeof EscalationRuleUpdate>

const Timestamp = Type.String({ description: 'ISO 8601 instant' })

/** A stored rule as the REST API returns it: every default applied, nothing optional. */
export const EscalationRule = Type.Object(
  {
    id: Id,
    name: ruleFields.name,
    description: Type.Union([Type.String(), Type.Null()]),
    enabled: Type.Boolean(),
    inboxId: NullableId,
    priority: RulePriority,
    chain: Type.String({ minLength: 1 }),
    conditions: Type.Array(RuleCondition),
    clock: literals(RULE_CLOCKS),
    escalateAfterMinutes: Minutes,
    repeatEveryMinutes: Type.Union([Minutes, Type.Null()]),
    businessHoursOnly: Type.Boolean(),
    escalateTo: literals(ESCALATION_TARGETS),
    escalateToTeamId: NullableId,
    escalateToUserId: NullableId,
    escalateToRotationId: NullableId,
    recipientEmail: Type.Union([Type.String(), Type.Null()]),
    recipientPhone: Type.Union([Type.String(), Type.Null()]),
    notificationChannels: Type.Array(literals(NOTIFICATION_CHANNELS), { minItems: 1 }),
    action: Type.Union([literals(RULE_ACTIONS), Type.Null()]),
    addInternalNote: Type.Boolean(),
    internalNoteTemplate: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    createdBy: NullableId,
    updatedBy: NullableId,
  },
  { additionalProperties: false },
)
export type EscalationRule = Static<typeof EscalationRule>

/** `…/escalation-rules?spaceId=`: needed only by members of several spaces. */
export const EscalationRuleQuery = Type.Object({
  spaceId: Type.Optional(
    Type.String({
      format: 'uuid',
      description: 'The space whose rules these are; needed only by members of several spaces.',
    }),
  ),
})
export type EscalationRuleQuery = Static<typeof EscalationRuleQuery>

export const EscalationRuleParams = Type.Object({ id: Uuid })
export type EscalationRuleParams = Static<typeof EscalationRuleParams>

/** One rule: what `POST`, `GET` and `PUT …/escalation-rules[/:id]` answer. */
export const EscalationRuleResponse = Type.Object({ rule: EscalationRule })
export type EscalationRuleResponse = Static<typeof EscalationRuleResponse>

/** `GET /api/tickets/escalation-rules`: every rule of the space, oldest first. */
export const EscalationRuleListResponse = Type.Object({ rules: Type.Array(EscalationRule) })
export type EscalationRuleListResponse = Static<typeof EscalationRuleListResponse>

/** The fields of a stored rule that its create body decides (ids and audit fields aside). */
export type EscalationRuleFields = Omit<
  EscalationRule,
  'id' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy'
>

/**
 * A create body whose team, if named by its number, has been found: what is stored names
 * every team by its id. The server resolves numbers (`escalateToTeamId: 1`) before storing.
 */
export type ResolvedRuleCreate = Omit<EscalationRuleCreate, 'escalateToTeamId'> & {
  escalateToTeamId?: string | null
}

/** What `action` stands for when no channels are given: `notify` is in-app plus opted-in email. */
const CHANNELS_OF_ACTION: Record<RuleAction, NotificationChannel[]> = {
  notify: ['in_app', 'email'],
  email: ['email'],
}
/** Neither channels nor an action: the in-app pop-up, as seed 004's SLA example needs. */
const DEFAULT_CHANNELS: NotificationChannel[] = ['in_app']

/**
 * Fills a validated create body (or a stored rule merged with an update) with the
 * defaults SPEC §6.1 gives, producing what the database stores.
 *
 * @example
 * applyRuleDefaults({ name: 'Urgent', enabled: true, priority: 'urgent', escalateAfterMinutes: 30, action: 'notify' })
 * // → { chain: 'default', clock: 'waiting', escalateTo: 'assigned', notificationChannels: ['in_app', 'email'], ... }
 */
export function applyRuleDefaults(input: ResolvedRuleCreate): EscalationRuleFields {
  const action = input.action ?? null
  return {
    name: input.name,
    description: input.description ?? null,
    enabled: input.enabled ?? true,
    inboxId: input.inboxId ?? null,
    priority: input.priority,
    chain: input.chain ?? 'default',
    conditions: input.conditions ?? [],
    clock: input.clock ?? 'waiting',
    escalateAfterMinutes: input.escalateAfterMinutes,
    repeatEveryMinutes: input.repeatEveryMinutes ?? null,
    businessHoursOnly: input.businessHoursOnly ?? true,
    escalateTo: input.escalateTo ?? 'assigned',
    escalateToTeamId: input.escalateToTeamId ?? null,
    escalateToUserId: input.escalateToUserId ?? null,
    escalateToRotationId: input.escalateToRotationId ?? null,
    recipientEmail: input.recipientEmail ?? null,
    recipientPhone: input.recipientPhone ?? null,
    notificationChannels:
      input.notificationChannels ?? (action ? CHANNELS_OF_ACTION[action] : DEFAULT_CHANNELS),
    action,
    addInternalNote: input.addInternalNote ?? false,
    internalNoteTemplate: input.internalNoteTemplate ?? null,
  }
}

function refuse(field: string, message: string): Parsed<never> {
  return {
    ok: false,
    error: { code: ErrorCode.VALIDATION, message: `${field}: ${message}`, field },
  }
}

function describe(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(', ')
}

/** The values a field can take, when they are a closed set. */
const ENUM_VALUES: Partial<Record<ConditionField, readonly string[]>> = {
  status: TICKET_STATUSES,
  priority: TICKET_PRIORITIES,
  slaStatus: SLA_STATUSES,
  trigger: TRIGGER_KINDS,
}

function checkConditionScalar(
  field: ConditionField,
  value: string | number | null,
  at: string,
): Parsed<never> | null {
  if (value === null) {
    return NULLABLE_CONDITION_FIELDS.includes(field) ? null : refuse(at, `${field} is never empty`)
  }
  if (field === 'firstResponseTime') {
    return typeof value === 'number' && value >= 0
      ? null
      : refuse(at, 'firstResponseTime is a number of minutes, 0 or more, or null')
  }
  if (field === 'escalationLevel') {
    return Number.isInteger(value) && (value as number) >= 0
      ? null
      : refuse(at, 'escalationLevel is a whole number, 0 or more')
  }
  const allowed = ENUM_VALUES[field]
  if (allowed && !allowed.includes(String(value))) {
    return refuse(at, `${field} is one of ${describe(allowed)}`)
  }
  return null
}

function checkCondition(condition: RuleCondition, at: string): Parsed<never> | null {
  const { field, operator, value } = condition
  const many = operator === 'in' || operator === 'not_in'
  if (many !== Array.isArray(value)) {
    return refuse(
      `${at}.value`,
      many ? `'${operator}' needs a list of values` : `'${operator}' needs a single value`,
    )
  }
  if (operator === 'contains') {
    if (!TEXT_CONDITION_FIELDS.includes(field)) {
      return refuse(
        `${at}.operator`,
        `'contains' applies only to ${describe(TEXT_CONDITION_FIELDS)}`,
      )
    }
    if (typeof value !== 'string' || value === '') {
      return refuse(`${at}.value`, "'contains' needs non-empty text")
    }
    return null
  }
  const values = Array.isArray(value) ? value : [value]
  if (many && values.length === 0) return refuse(`${at}.value`, 'the list is empty')
  for (const [index, item] of values.entries()) {
    const problem = checkConditionScalar(field, item, many ? `${at}.value.${index}` : `${at}.value`)
    if (problem) return problem
  }
  return null
}

/** The checks a schema cannot express, run on the rule as it will be stored. */
function checkRuleSemantics(
  rule: EscalationRuleCreate,
  given: Record<string, unknown>,
): Parsed<never> | null {
  const target = rule.escalateTo ?? 'assigned'
  if (Object.hasOwn(TARGET_REQUIRED_FIELD, target)) {
    const field = TARGET_REQUIRED_FIELD[target as keyof typeof TARGET_REQUIRED_FIELD]
    if (rule[field] === undefined || rule[field] === null) {
      return refuse(field, `required when escalateTo is '${target}'`)
    }
  }
  if (rule.addInternalNote === true && given.internalNoteTemplate === '') {
    return refuse('internalNoteTemplate', 'an internal note needs some text')
  }
  for (const [index, condition] of (rule.conditions ?? []).entries()) {
    const problem = checkCondition(condition, `conditions.${index}`)
    if (problem) return problem
  }
  return null
}

/**
 * Checks an untrusted create body: its shape, then what depends on other fields (the
 * target's own field, e.g. `escalateToTeamId` for `team`; operators against values).
 * Whether named teams, users, rotations and inboxes exist is the server's check; unknown
 * template variables are checked with `findUnknownTemplateVariables` from `@flare/rules`.
 *
 * @example
 * const r = validateRuleInput(body)
 * if (!r.ok) return reply.code(400).send({ error: r.error }) // e.g. field 'escalateToTeamId'
 */
export function validateRuleInput(input: unknown): Parsed<EscalationRuleCreate> {
  const shape = parse(EscalationRuleCreate, input)
  if (!shape.ok) return shape
  return checkRuleSemantics(shape.value, shape.value) ?? shape
}

/**
 * Checks an untrusted update body against the stored rule it changes: the merged rule
 * must be as valid as a new one (switching `escalateTo` to `team` needs a team).
 *
 * @example
 * const r = validateRuleUpdate(body, stored)
 * if (r.ok) await repo.update(id, r.value)
 */
export function validateRuleUpdate(
  input: unknown,
  current: EscalationRuleFields,
): Parsed<EscalationRuleUpdate> {
  const shape = parse(EscalationRuleUpdate, input)
  if (!shape.ok) return shape
  const merged = { ...current, ...shape.value } as EscalationRuleCreate
  return checkRuleSemantics(merged, shape.value) ?? shape
}

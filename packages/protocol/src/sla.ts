// SLA policies and the SLA status of tickets (SPEC §8.1): REST schemas, the check of a policy
// set, and the staff-only pre-breach warning event. Owned by the SLA feature.
import { type Static, Type } from '@sinclair/typebox'
import { DateTime, Uuid } from './api.js'
import { TICKET_PRIORITIES } from './escalation-rule.js'
import { literals } from './literals.js'
import { ErrorCode } from './result.js'
import { DEFAULT_AT_RISK_PERCENT, SLA_METRICS, SLA_STATUSES } from './sla-status.js'
import { type Parsed, parse } from './validate.js'

export type { SlaMetric, SlaStatus } from './sla-status.js'
export { DEFAULT_AT_RISK_PERCENT, SLA_METRICS, SLA_STATUSES } from './sla-status.js'

export const SlaStatusSchema = literals(SLA_STATUSES)
export const SlaMetricSchema = literals(SLA_METRICS)

/** Minutes in a leap year: no target may be longer. */
const MAX_TARGET_MINUTES = 527_040
const TargetMinutes = Type.Integer({ minimum: 1, maximum: MAX_TARGET_MINUTES })
const Priority = literals(TICKET_PRIORITIES)

/** One policy of a `PUT …/sla-policies` body; omitted fields take their defaults. */
export const SlaPolicyInput = Type.Object(
  {
    priority: Priority,
    inboxId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description: 'The inbox this policy is for; null = every inbox without its own.',
      }),
    ),
    firstResponseMinutes: Type.Optional(
      Type.Union([TargetMinutes, Type.Null()], {
        description: 'Minutes from creation to the first staff reply; null = no such target.',
      }),
    ),
    resolutionMinutes: Type.Optional(
      Type.Union([TargetMinutes, Type.Null()], {
        description: 'Minutes from creation to resolved; null = no such target.',
      }),
    ),
    businessHours: Type.Optional(
      Type.Boolean({
        default: true,
        description: "true: count business minutes of the inbox's calendar; false: wall-clock.",
      }),
    ),
    atRiskPercent: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 99,
        default: DEFAULT_AT_RISK_PERCENT,
        description: 'The at-risk point, in percent of each target.',
      }),
    ),
  },
  { additionalProperties: false },
)
export type SlaPolicyInput = Static<typeof SlaPolicyInput>

/** `PUT /api/spaces/:spaceId/sla-policies`: the whole set, replacing the stored one. */
export const SlaPoliciesUpdate = Type.Object(
  { policies: Type.Array(SlaPolicyInput, { maxItems: 400 }) },
  { additionalProperties: false },
)
export type SlaPoliciesUpdate = Static<typeof SlaPoliciesUpdate>

/** A stored policy, every default applied. */
export const SlaPolicy = Type.Object({
  id: Uuid,
  spaceId: Uuid,
  /** null = every inbox of the space that has no policy of its own for this priority. */
  inboxId: Type.Union([Uuid, Type.Null()]),
  priority: Priority,
  firstResponseMinutes: Type.Union([TargetMinutes, Type.Null()]),
  resolutionMinutes: Type.Union([TargetMinutes, Type.Null()]),
  businessHours: Type.Boolean(),
  atRiskPercent: Type.Integer({ minimum: 1, maximum: 99 }),
  updatedAt: DateTime,
  updatedBy: Type.Union([Uuid, Type.Null()]),
})
export type SlaPolicy = Static<typeof SlaPolicy>

/** The fields of a policy the engine reads (`@flare/rules` `computeSla`). */
export type SlaPolicyFields = Pick<
  SlaPolicy,
  'inboxId' | 'priority' | 'firstResponseMinutes' | 'resolutionMinutes' | 'businessHours'
> & { atRiskPercent: number }

/** `GET` and `PUT …/sla-policies`: every policy of the space, space-wide ones first. */
export const SlaPoliciesResponse = Type.Object({ policies: Type.Array(SlaPolicy) })
export type SlaPoliciesResponse = Static<typeof SlaPoliciesResponse>

/**
 * Sent over Socket.IO as `ticket:sla-warning` to the assignee (or, when unassigned, the
 * inbox's admins) when a ticket becomes at risk of missing a target: staff only, never
 * shown to customers; once per ticket and target.
 */
export const TicketSlaWarningEvent = Type.Object({
  /** The warning itself: the key that makes it once per ticket and target. */
  warningId: Uuid,
  ticket: Type.Object({
    id: Uuid,
    subject: Type.String(),
    customerName: Type.Union([Type.String(), Type.Null()]),
    priority: Priority,
    inboxId: Uuid,
    createdAt: DateTime,
  }),
  metric: SlaMetricSchema,
  status: Type.Literal('at_risk'),
  /** When the ticket became at risk. */
  at: DateTime,
  /** When the target is breached unless someone acts. */
  dueAt: DateTime,
  targetUserIds: Type.Array(Uuid),
})
export type TicketSlaWarningEvent = Static<typeof TicketSlaWarningEvent>

/** SLA server → client events. */
export const SlaServerEvents = {
  /** A ticket is at risk of missing its SLA: an amber card for staff. */
  'ticket:sla-warning': TicketSlaWarningEvent,
}

function refuse(field: string, message: string): Parsed<never> {
  return {
    ok: false,
    error: { code: ErrorCode.VALIDATION, message: `${field}: ${message}`, field },
  }
}

/**
 * Checks an untrusted `PUT …/sla-policies` body: its shape, then that each policy has a
 * target and that no inbox (or the space) has two policies for one priority. Whether each
 * inbox is of the space is the server's check.
 *
 * @example
 * const r = validateSlaPolicies({ policies: [{ priority: 'urgent', firstResponseMinutes: 15 }] })
 * if (!r.ok) reply.code(400).send({ error: r.error }) // e.g. field 'policies.1.priority'
 */
export function validateSlaPolicies(input: unknown): Parsed<SlaPoliciesUpdate> {
  const shape = parse(SlaPoliciesUpdate, input)
  if (!shape.ok) return shape
  const seen = new Set<string>()
  for (const [index, policy] of shape.value.policies.entries()) {
    const at = `policies.${index}`
    if (policy.firstResponseMinutes == null && policy.resolutionMinutes == null) {
      return refuse(
        `${at}.firstResponseMinutes`,
        'give a first-response or a resolution target (or both)',
      )
    }
    const key = `${policy.inboxId ?? 'space'}:${policy.priority}`
    if (seen.has(key)) {
      return refuse(
        `${at}.priority`,
        `a second policy for '${policy.priority}' ${policy.inboxId ? 'in this inbox' : 'space-wide'}`,
      )
    }
    seen.add(key)
  }
  return shape
}

/** A policy of the body with its defaults applied: what the database stores. */
export function applySlaPolicyDefaults(input: SlaPolicyInput): SlaPolicyFields {
  return {
    priority: input.priority,
    inboxId: input.inboxId ?? null,
    firstResponseMinutes: input.firstResponseMinutes ?? null,
    resolutionMinutes: input.resolutionMinutes ?? null,
    businessHours: input.businessHours ?? true,
    atRiskPercent: input.atRiskPercent ?? DEFAULT_AT_RISK_PERCENT,
  }
}

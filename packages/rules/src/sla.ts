import type {
  BusinessCalendar,
  SlaMetric,
  SlaPolicyFields,
  SlaStatus,
  TicketPriority,
  TicketStatus,
} from '@flare/protocol'
import { addBusinessMs, businessMsBetween } from './business-time.js'

const MINUTE_MS = 60_000

/** What the SLA engine reads of a ticket (SPEC §8.1). */
export interface SlaTicket {
  inboxId: string
  status: TicketStatus
  priority: TicketPriority
  createdAt: Date
  /** The first staff reply to the customer; null until then. */
  firstResponseAt: Date | null
  /** When the ticket was last resolved or closed; read only while it is resolved or closed. */
  resolvedAt: Date | null
}

/**
 * One target of a policy at an instant: `pending` while its clock runs (`on_track`, then
 * `at_risk` from `atRiskAt`, then `breached` from `dueAt`), or settled: `met` when the clock
 * stopped before `dueAt`, `breached` when it did not.
 */
export interface SlaTargetState {
  metric: SlaMetric
  state: 'on_track' | 'at_risk' | 'breached' | 'met'
  /** The clock still runs. */
  pending: boolean
  atRiskAt: Date
  dueAt: Date
}

/** What `computeSla` answers. */
export interface SlaEvaluation {
  /** The worst state of the targets (`met` counts as `on_track`); null when no policy applies. */
  status: SlaStatus | null
  /** Minutes from creation to the first staff reply on the policy's clock; null until then. */
  firstResponseTime: number | null
  /** The next instant, after `now`, at which a target changes state; null = none until the ticket changes. */
  nextChangeAt: Date | null
  /** When the earliest pending target is breached; null when none is pending or all are. */
  dueAt: Date | null
  targets: SlaTargetState[]
}

/**
 * The policy for a ticket: its inbox's own policy for its priority, else the space-wide one
 * for its priority, else null.
 *
 * @example
 * findSlaPolicy(policies, { inboxId, priority: 'urgent' }) // the inbox's urgent policy, or the space's
 */
export function findSlaPolicy<P extends Pick<SlaPolicyFields, 'inboxId' | 'priority'>>(
  policies: readonly P[],
  ticket: Pick<SlaTicket, 'inboxId' | 'priority'>,
): P | null {
  const forPriority = policies.filter((p) => p.priority === ticket.priority)
  return (
    forPriority.find((p) => p.inboxId === ticket.inboxId) ??
    forPriority.find((p) => p.inboxId === null) ??
    null
  )
}

function isFinished(status: TicketStatus): boolean {
  return status === 'resolved' || status === 'closed'
}

/** Where a target's clock stopped, if it has: the reply, or the resolution. */
function stopOf(metric: SlaMetric, ticket: SlaTicket): number | null {
  const resolved =
    isFinished(ticket.status) && ticket.resolvedAt ? ticket.resolvedAt.getTime() : null
  if (metric === 'first_response') return ticket.firstResponseAt?.getTime() ?? resolved
  return resolved
}

/**
 * When a target of `minutes` falls due for a clock started at `start` (ms epoch): `minutes`
 * business minutes of `calendar` later (null = wall clock), the instant `computeSla` holds the
 * target to. Later starts never fall due earlier.
 *
 * @example
 * slaTargetDueAt(null, Date.parse('2025-06-06T15:00Z'), 30) // → Date.parse('2025-06-06T15:30Z')
 */
export function slaTargetDueAt(
  calendar: BusinessCalendar | null,
  start: number,
  minutes: number,
): number {
  return addBusinessMs(calendar, start, minutes * MINUTE_MS)
}

function targetState(
  metric: SlaMetric,
  minutes: number,
  policy: SlaPolicyFields,
  calendar: BusinessCalendar | null,
  ticket: SlaTicket,
  now: number,
): SlaTargetState {
  const start = ticket.createdAt.getTime()
  const atRiskAt = addBusinessMs(
    calendar,
    start,
    Math.round((minutes * MINUTE_MS * policy.atRiskPercent) / 100),
  )
  const dueAt = slaTargetDueAt(calendar, start, minutes)
  const stop = stopOf(metric, ticket)
  const dates = { metric, atRiskAt: new Date(atRiskAt), dueAt: new Date(dueAt) }
  // a clock that stops in the future has not stopped yet
  if (stop !== null && stop <= now) {
    return { ...dates, pending: false, state: stop < dueAt ? 'met' : 'breached' }
  }
  const state = now >= dueAt ? 'breached' : now >= atRiskAt ? 'at_risk' : 'on_track'
  return { ...dates, pending: true, state }
}

const RANK = { met: 0, on_track: 0, at_risk: 1, breached: 2 } as const
const BY_RANK: SlaStatus[] = ['on_track', 'at_risk', 'breached']

/**
 * A ticket's SLA at `now` (SPEC §8.1): each target of the policy runs from the ticket's
 * creation, in business minutes of `calendar` when the policy counts business hours, else
 * wall-clock; the first-response target stops at the first staff reply, both stop when the
 * ticket is resolved or closed. A target is `at_risk` from its at-risk point
 * (`atRiskPercent` of it) and `breached` from the target itself; a target missed stays
 * breached. Pure: `now` is given, nothing is read.
 *
 * @example
 * const policy = { inboxId: null, priority: 'urgent', firstResponseMinutes: 15, resolutionMinutes: null, businessHours: false, atRiskPercent: 80 } as const
 * computeSla(ticket, policy, null, twelveMinutesLater) // → { status: 'at_risk', nextChangeAt: fifteenMinutesAfterCreation, … }
 */
export function computeSla(
  ticket: SlaTicket,
  policy: SlaPolicyFields | null,
  calendar: BusinessCalendar | null,
  now: Date,
): SlaEvaluation {
  const clock = policy?.businessHours ? calendar : null
  const firstResponseTime =
    ticket.firstResponseAt === null
      ? null
      : Math.max(
          0,
          businessMsBetween(clock, ticket.createdAt.getTime(), ticket.firstResponseAt.getTime()) /
            MINUTE_MS,
        )
  if (!policy) {
    return { status: null, firstResponseTime, nextChangeAt: null, dueAt: null, targets: [] }
  }
  const at = now.getTime()
  const targets: SlaTargetState[] = []
  if (policy.firstResponseMinutes !== null) {
    targets.push(
      targetState('first_response', policy.firstResponseMinutes, policy, clock, ticket, at),
    )
  }
  if (policy.resolutionMinutes !== null) {
    targets.push(targetState('resolution', policy.resolutionMinutes, policy, clock, ticket, at))
  }
  if (targets.length === 0) {
    return { status: null, firstResponseTime, nextChangeAt: null, dueAt: null, targets }
  }
  let worst = 0
  let next: number | null = null
  let due: number | null = null
  for (const target of targets) {
    worst = Math.max(worst, RANK[target.state])
    if (!target.pending) continue
    const atRisk = target.atRiskAt.getTime()
    const dueAt = target.dueAt.getTime()
    const change = at < atRisk ? atRisk : at < dueAt ? dueAt : null
    if (change !== null && (next === null || change < next)) next = change
    if (at < dueAt && (due === null || dueAt < due)) due = dueAt
  }
  return {
    status: BY_RANK[worst] ?? null,
    firstResponseTime,
    nextChangeAt: next === null ? null : new Date(next),
    dueAt: due === null ? null : new Date(due),
    targets,
  }
}

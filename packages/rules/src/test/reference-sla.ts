// The slow, obviously-correct reading of SPEC §8.1 that `computeSla` is checked against. It
// shares no code with the engine: elapsed time is counted by the walking reference of
// business time, and the next change is found by stepping minute by minute.
import type { BusinessCalendar, SlaMetric, SlaPolicyFields } from '@flare/protocol'
import type { SlaTicket } from '../sla.js'
import { referenceBusinessMs } from './reference.js'

const MINUTE = 60_000
const DAY = 86_400_000

type State = 'on_track' | 'at_risk' | 'breached' | 'met'

interface Target {
  metric: SlaMetric
  /** Thresholds in ms of the policy's clock. */
  atRisk: number
  due: number
  stop: number | null
}

function targetsOf(ticket: SlaTicket, policy: SlaPolicyFields): Target[] {
  const finished = ticket.status === 'resolved' || ticket.status === 'closed'
  const resolved = finished && ticket.resolvedAt ? ticket.resolvedAt.getTime() : null
  const targets: Target[] = []
  const add = (metric: SlaMetric, minutes: number | null, stop: number | null) => {
    if (minutes === null) return
    const due = minutes * MINUTE
    targets.push({ metric, atRisk: Math.round((due * policy.atRiskPercent) / 100), due, stop })
  }
  add('first_response', policy.firstResponseMinutes, ticket.firstResponseAt?.getTime() ?? resolved)
  add('resolution', policy.resolutionMinutes, resolved)
  return targets
}

function clockOf(policy: SlaPolicyFields, calendar: BusinessCalendar | null) {
  return policy.businessHours ? calendar : null
}

/** Each target's state at `at`, straight from the definition: compare elapsed time to thresholds. */
export function referenceSlaStates(
  ticket: SlaTicket,
  policy: SlaPolicyFields,
  calendar: BusinessCalendar | null,
  at: number,
): Array<{ metric: SlaMetric; state: State }> {
  const clock = clockOf(policy, calendar)
  const created = ticket.createdAt.getTime()
  return targetsOf(ticket, policy).map((target) => {
    if (target.stop !== null && target.stop <= at) {
      const took = referenceBusinessMs(clock, created, target.stop)
      return { metric: target.metric, state: took < target.due ? 'met' : 'breached' }
    }
    const elapsed = referenceBusinessMs(clock, created, at)
    const state =
      elapsed >= target.due ? 'breached' : elapsed >= target.atRisk ? 'at_risk' : 'on_track'
    return { metric: target.metric, state }
  })
}

/**
 * The first instant after `now` at which a pending target crosses a threshold, by stepping:
 * to the next whole minute, then minute by minute (business time starts and stops only on
 * whole minutes, so within one step the clock either runs or stands). Null when no pending
 * target has a threshold ahead; throws after `limitDays` without one.
 */
export function referenceNextChange(
  ticket: SlaTicket,
  policy: SlaPolicyFields,
  calendar: BusinessCalendar | null,
  now: number,
  limitDays = 120,
): number | null {
  const clock = clockOf(policy, calendar)
  const created = ticket.createdAt.getTime()
  const pending = targetsOf(ticket, policy).filter((t) => t.stop === null || t.stop > now)
  let elapsed = referenceBusinessMs(clock, created, now)
  const ahead = pending.flatMap((t) => [t.atRisk, t.due]).filter((x) => x > elapsed)
  if (ahead.length === 0) return null
  const threshold = Math.min(...ahead)
  let at = now
  while (at < now + limitDays * DAY) {
    const end = (Math.floor(at / MINUTE) + 1) * MINUTE
    const counted = referenceBusinessMs(clock, at, end, MINUTE)
    if (counted !== 0 && counted !== end - at) {
      throw new Error(`a minute that is partly business time at ${new Date(at).toISOString()}`)
    }
    if (elapsed + counted >= threshold) return at + (threshold - elapsed)
    elapsed += counted
    at = end
  }
  throw new Error('no change within the limit')
}

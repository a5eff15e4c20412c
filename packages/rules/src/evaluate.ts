import type { BusinessCalendar } from '@flare/protocol'
import { addBusinessMs } from './business-time.js'
import { isTriggerRule, matchesRule } from './conditions.js'
import type { EvaluableRule, Evaluation, TicketSnapshot } from './ticket.js'
import { MINUTE_MS } from './zone.js'

/** A rule with its clock read for the current period. */
interface RuleState<R extends EvaluableRule> {
  rule: R
  /** The calendar its minutes count in: null = wall clock. */
  calendar: BusinessCalendar | null
  firstDue: number
  /** Instants it fired in the current period, ascending. */
  firings: number[]
  matches: boolean
}

/** When a chain can next fire, and what. */
interface ChainPlan<R extends EvaluableRule> {
  chain: string
  rule: R
  /** When the firing became due (≤ `at`); orders chains that are due together. */
  dueSince: number
  /** When it fires: `now` if it is due now. */
  at: number
}

// decimal ids compare as numbers, so rule 9 is "lower" than rule 10
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

/** §6.3.1's order: the later first due instant, then the higher threshold, then the lower id. */
function outranks<R extends EvaluableRule>(a: RuleState<R>, b: RuleState<R>): boolean {
  if (a.firstDue !== b.firstDue) return a.firstDue > b.firstDue
  if (a.rule.escalateAfterMinutes !== b.rule.escalateAfterMinutes) {
    return a.rule.escalateAfterMinutes > b.rule.escalateAfterMinutes
  }
  return compareIds(a.rule.id, b.rule.id) < 0
}

function periodStartOf(ticket: TicketSnapshot, rule: EvaluableRule): number | null {
  if (rule.clock === 'age') return ticket.openSince.getTime()
  return ticket.waitingSince === null ? null : ticket.waitingSince.getTime()
}

/** A chain's rules whose clock runs, and when a trigger rule of the chain last fired. */
interface Chain<R extends EvaluableRule> {
  states: RuleState<R>[]
  lastTriggerFiring: number
}

/** The rules of each chain whose clock runs, read at their current period. */
function readChains<R extends EvaluableRule>(
  ticket: TicketSnapshot,
  rules: readonly R[],
  calendar: BusinessCalendar | null,
): Map<string, Chain<R>> {
  const chains = new Map<string, Chain<R>>()
  const chainOf = (name: string): Chain<R> => {
    let chain = chains.get(name)
    if (!chain) {
      chain = { states: [], lastTriggerFiring: Number.NEGATIVE_INFINITY }
      chains.set(name, chain)
    }
    return chain
  }
  for (const rule of rules) {
    if (isTriggerRule(rule)) {
      // SPEC §11.1: a trigger rule never fires by its clock, but its firings answer for the
      // chain's rules already due then (§6.3.6), so a trigger and a timed rule due together
      // escalate once
      const chain = chainOf(rule.chain)
      const since = periodStartOf(ticket, rule)
      if (since === null) continue
      for (const entry of ticket.escalationHistory) {
        const at = entry.escalatedAt.getTime()
        if (entry.ruleId === rule.id && at >= since && at > chain.lastTriggerFiring) {
          chain.lastTriggerFiring = at
        }
      }
      continue
    }
    const periodStart = periodStartOf(ticket, rule)
    // no running clock means no period: whatever fired in an earlier one is forgotten
    if (periodStart === null) continue
    const ruleCalendar = rule.businessHoursOnly ? calendar : null
    const firings: number[] = []
    for (const entry of ticket.escalationHistory) {
      const at = entry.escalatedAt.getTime()
      if (entry.ruleId === rule.id && at >= periodStart) firings.push(at)
    }
    firings.sort((a, b) => a - b)
    const state: RuleState<R> = {
      rule,
      calendar: ruleCalendar,
      firstDue: addBusinessMs(ruleCalendar, periodStart, rule.escalateAfterMinutes * MINUTE_MS),
      firings,
      matches: matchesRule(ticket, rule),
    }
    chainOf(rule.chain).states.push(state)
  }
  return chains
}

/**
 * The earliest instant at which `state` may fire while it is the top rule of its chain,
 * or Infinity. Depends only on the history, so it holds for every future instant too.
 */
function fireableFrom<R extends EvaluableRule>(
  state: RuleState<R>,
  chain: readonly RuleState<R>[],
  chainLastFiring: number,
): number {
  // §6.3.2-3: once a later-due rule fired in the period, this one stays quiet
  for (const other of chain) {
    if (other !== state && other.firings.length > 0 && outranks(other, state)) {
      return Number.POSITIVE_INFINITY
    }
  }
  const last = state.firings[state.firings.length - 1]
  if (last === undefined) {
    // §6.3.4: a firing answers for everything of its chain that was due by then, so a
    // catch-up fires once even when level conditions make later rules match afterwards
    return state.firstDue > chainLastFiring ? state.firstDue : Number.POSITIVE_INFINITY
  }
  const repeat = state.rule.repeatEveryMinutes
  if (repeat === null) return Number.POSITIVE_INFINITY
  return addBusinessMs(state.calendar, last, repeat * MINUTE_MS)
}

/**
 * When this chain next fires (at `now` if due), given the ticket does not change. Between
 * two first due instants of matching rules the top rule stays the same, so only those
 * instants need looking at.
 */
function planChain<R extends EvaluableRule>(
  chain: string,
  { states, lastTriggerFiring }: Chain<R>,
  now: number,
): ChainPlan<R> | null {
  let chainLastFiring = lastTriggerFiring
  for (const state of states) {
    const last = state.firings[state.firings.length - 1]
    if (last !== undefined && last > chainLastFiring) chainLastFiring = last
  }
  const matching = states.filter((state) => state.matches)
  const boundaries = [
    now,
    ...new Set(matching.map((state) => state.firstDue).filter((due) => due > now)),
  ].sort((a, b) => a - b)
  for (let i = 0; i < boundaries.length; i++) {
    const from = boundaries[i]!
    const until = boundaries[i + 1] ?? Number.POSITIVE_INFINITY
    let top: RuleState<R> | null = null
    for (const state of matching) {
      if (state.firstDue <= from && (top === null || outranks(state, top))) top = state
    }
    if (top === null) continue
    const dueSince = fireableFrom(top, states, chainLastFiring)
    const at = Math.max(dueSince, from)
    if (at < until) return { chain, rule: top.rule, dueSince, at }
  }
  return null
}

function planTicket<R extends EvaluableRule>(
  ticket: TicketSnapshot,
  rules: readonly R[],
  calendar: BusinessCalendar | null,
  now: number,
): ChainPlan<R>[] {
  // only open tickets escalate; a hold, resolve or close changes the ticket, so the
  // server evaluates again then
  if (ticket.status !== 'open') return []
  const plans: ChainPlan<R>[] = []
  for (const [name, chain] of readChains(ticket, rules, calendar)) {
    const plan = planChain(name, chain, now)
    if (plan) plans.push(plan)
  }
  return plans
}

function earliestDue<R extends EvaluableRule>(plans: readonly ChainPlan<R>[]): ChainPlan<R> {
  return plans.reduce((best, plan) =>
    plan.dueSince < best.dueSince || (plan.dueSince === best.dueSince && plan.chain < best.chain)
      ? plan
      : best,
  )
}

/**
 * Records a firing on a snapshot as the server does (§6.3.5): one history entry,
 * `escalationLevel` one higher. Returns a new snapshot; the input is not changed.
 *
 * @example
 * const { fire } = evaluateTicket(ticket, rules, calendar, now)
 * if (fire) ticket = recordFiring(ticket, fire, now)
 */
export function recordFiring(
  ticket: TicketSnapshot,
  rule: Pick<EvaluableRule, 'id'>,
  at: Date,
): TicketSnapshot {
  const level = ticket.escalationLevel + 1
  return {
    ...ticket,
    escalationLevel: level,
    escalationHistory: [
      ...ticket.escalationHistory,
      { escalatedAt: new Date(at.getTime()), ruleId: rule.id, level },
    ],
  }
}

/**
 * Decides which rule fires for a ticket at `now` (SPEC §6.2-6.3), at most one per call,
 * and when to look again. When rules of several chains are due, the earliest-due one
 * fires and `nextDueAt` is `now` (unless recording that firing makes the others stop
 * matching): apply it (see `recordFiring`) and evaluate again. `nextDueAt` is the next
 * instant a rule could fire if nothing about the ticket changes (after a firing: once it
 * is recorded), or null. `calendar` is the inbox's or
 * the space's; null counts every minute.
 *
 * @example
 * const { fire, nextDueAt } = evaluateTicket(ticket, rules, calendar, now)
 * if (fire) await escalate(ticket, fire)
 * schedule(ticket.id, nextDueAt)
 */
export function evaluateTicket<R extends EvaluableRule>(
  ticket: TicketSnapshot,
  rules: readonly R[],
  calendar: BusinessCalendar | null,
  now: Date,
): Evaluation<R> {
  const at = now.getTime()
  if (Number.isNaN(at)) throw new RangeError('now is an invalid Date')
  const plans = planTicket(ticket, rules, calendar, at)
  const due = plans.filter((plan) => plan.at === at)
  if (due.length === 0) {
    const next = plans.length === 0 ? null : Math.min(...plans.map((plan) => plan.at))
    return { fire: null, nextDueAt: next === null ? null : new Date(next) }
  }
  const fire = earliestDue(due).rule
  // a firing changes the ticket (its level, its history): plan from the changed ticket,
  // which still has another chain due now when several were (nextDueAt = now)
  const after = planTicket(recordFiring(ticket, fire, now), rules, calendar, at)
  const next = after.length === 0 ? null : Math.min(...after.map((plan) => plan.at))
  return { fire, nextDueAt: next === null ? null : new Date(next) }
}

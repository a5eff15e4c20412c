// Builders for tickets and rules, and a tiny scheduler, shared by the evaluation tests.
import type { BusinessCalendar } from '@flare/protocol'
import { evaluateTicket, recordFiring } from '../evaluate.js'
import type { EvaluableRule, TicketSnapshot } from '../ticket.js'

export const MINUTE = 60_000
export const T0 = Date.parse('2025-01-06T14:00:00Z') // a Monday, 09:00 in New York

/** The instant `minutes` after T0. */
export function at(minutes: number): Date {
  return new Date(T0 + minutes * MINUTE)
}

export function ticketAt(overrides: Partial<TicketSnapshot> = {}): TicketSnapshot {
  return {
    id: 'ticket-1',
    inboxId: 'inbox-1',
    status: 'open',
    priority: 'high',
    categoryId: null,
    assignedToUserId: null,
    escalationLevel: 0,
    slaStatus: null,
    firstResponseTime: null,
    customerTags: [],
    createdAt: at(0),
    openSince: at(0),
    waitingSince: at(0),
    escalationHistory: [],
    ...overrides,
  }
}

export function rule(
  id: string,
  minutes: number,
  overrides: Partial<EvaluableRule> = {},
): EvaluableRule {
  return {
    id,
    enabled: true,
    inboxId: null,
    priority: 'all',
    chain: 'default',
    conditions: [],
    clock: 'waiting',
    escalateAfterMinutes: minutes,
    repeatEveryMinutes: null,
    businessHoursOnly: true,
    ...overrides,
  }
}

export interface Firing {
  at: number
  ruleId: string
}

/**
 * Runs the scheduler the server will run: evaluate, apply the firing, sleep until
 * `nextDueAt`; stops at `until`. Returns the firings with their instants in minutes
 * after T0, and the ticket as it ends.
 */
export function schedule(
  ticket: TicketSnapshot,
  rules: readonly EvaluableRule[],
  calendar: BusinessCalendar | null,
  from: Date,
  until: Date,
): { firings: Firing[]; ticket: TicketSnapshot } {
  const firings: Firing[] = []
  let now = from
  for (let step = 0; step < 1000; step++) {
    const { fire, nextDueAt } = evaluateTicket(ticket, rules, calendar, now)
    if (fire) {
      ticket = recordFiring(ticket, fire, now)
      firings.push({ at: (now.getTime() - T0) / MINUTE, ruleId: fire.id })
    }
    if (nextDueAt === null || nextDueAt.getTime() > until.getTime()) break
    now = nextDueAt
  }
  return { firings, ticket }
}

import type { BusinessCalendar, RuleCondition } from '@flare/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateTicket, recordFiring } from './evaluate.js'
import { calendarArb } from './test/arbitraries.js'
import { MINUTE, rule, T0, ticketAt } from './test/fixtures.js'
import { referenceFire } from './test/reference.js'
import type { EvaluableRule, TicketSnapshot } from './ticket.js'

const conditionArb: fc.Arbitrary<RuleCondition> = fc.oneof(
  fc
    .integer({ min: 0, max: 2 })
    .map((n): RuleCondition => ({ field: 'escalationLevel', operator: 'equals', value: n })),
  fc.constant<RuleCondition>({ field: 'assignedToUserId', operator: 'equals', value: null }),
  fc.constant<RuleCondition>({ field: 'priority', operator: 'in', value: ['urgent', 'high'] }),
)

const ruleArb = (id: string): fc.Arbitrary<EvaluableRule> =>
  fc
    .record({
      minutes: fc.integer({ min: 1, max: 600 }),
      repeat: fc.option(fc.integer({ min: 1, max: 240 }), { nil: null }),
      chain: fc.constantFrom('default', 'default', 'phone'),
      clock: fc.constantFrom('waiting', 'waiting', 'age'),
      businessHoursOnly: fc.boolean(),
      priority: fc.constantFrom('all', 'all', 'high', 'low'),
      conditions: fc.array(conditionArb, { maxLength: 1 }),
    })
    .map(({ minutes, repeat, ...rest }) =>
      rule(id, minutes, { repeatEveryMinutes: repeat, ...rest } as Partial<EvaluableRule>),
    )

const rulesArb = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(String(i + 1)))))

/** What can happen to a ticket between two evaluations. */
type Event =
  | { kind: 'sleep' } // until nextDueAt
  | { kind: 'down'; minutes: number } // the scheduler was down
  | { kind: 'staff-reply' }
  | { kind: 'customer-message' }
  | { kind: 'assign' }

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'sleep' } as const) },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 1, max: 3000 })
      .map((minutes) => ({ kind: 'down', minutes }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'staff-reply' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'customer-message' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'assign' } as const) },
)

const scenarioArb = fc.record({
  calendar: fc.option(calendarArb, { nil: null, freq: 4 }),
  rules: rulesArb,
  start: fc.integer({ min: 0, max: 4 * 365 * 1440 }).map((m) => T0 + m * MINUTE),
  events: fc.array(eventArb, { minLength: 1, maxLength: 8 }),
  samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 2 }),
})

function change(ticket: TicketSnapshot, event: Event, now: Date): TicketSnapshot {
  switch (event.kind) {
    case 'staff-reply':
      return { ...ticket, waitingSince: null, escalationLevel: 0 }
    case 'customer-message':
      return ticket.waitingSince ? ticket : { ...ticket, waitingSince: now }
    case 'assign':
      return { ...ticket, assignedToUserId: ticket.assignedToUserId ? null : 'agent-1' }
    default:
      return ticket
  }
}

describe('evaluateTicket against the reference', () => {
  it('[6.3] agrees with SPEC 6.3 read literally, at now, at nextDueAt and in between', () => {
    fc.assert(
      fc.property(scenarioArb, ({ calendar, rules, start, events, samples }) => {
        const memo = new Map<string, number>()
        const fires = (t: TicketSnapshot, instant: number, cal: BusinessCalendar | null) =>
          referenceFire(t, rules, cal, instant, memo)
        let ticket = ticketAt({
          createdAt: new Date(start),
          openSince: new Date(start),
          waitingSince: new Date(start),
          priority: 'high',
        })
        let now = new Date(start)
        for (const event of events) {
          const { fire, nextDueAt } = evaluateTicket(ticket, rules, calendar, now)
          expect(fire).toBe(fires(ticket, now.getTime(), calendar))
          if (fire) {
            ticket = recordFiring(ticket, fire, now)
            // one chain never fires twice at one instant
            const again = evaluateTicket(ticket, rules, calendar, now).fire
            if (again) expect(again.chain).not.toBe(fire.chain)
          }
          if (nextDueAt !== null) {
            expect(nextDueAt.getTime()).toBeGreaterThanOrEqual(now.getTime())
            if (nextDueAt.getTime() > now.getTime()) {
              // quiet until nextDueAt, due at it
              expect(fires(ticket, nextDueAt.getTime(), calendar)).not.toBeNull()
              expect(fires(ticket, nextDueAt.getTime() - 1, calendar)).toBeNull()
              const gap = nextDueAt.getTime() - now.getTime() - 1
              const between = now.getTime() + Math.floor(samples[0]! * gap)
              expect(fires(ticket, between, calendar)).toBeNull()
            } else {
              expect(fires(ticket, now.getTime(), calendar)).not.toBeNull()
            }
          } else {
            // quiet for good: try a moment and a month later
            expect(
              fires(ticket, now.getTime() + Math.floor(samples[1]! * 30 * 1440 * MINUTE), calendar),
            ).toBeNull()
          }
          // move on
          if (event.kind === 'sleep') {
            if (nextDueAt === null) break
            now = nextDueAt
          } else if (event.kind === 'down') {
            now = new Date(now.getTime() + event.minutes * MINUTE)
          } else {
            now = new Date(now.getTime() + 7 * MINUTE)
            ticket = change(ticket, event, now)
          }
        }
      }),
      { numRuns: 1000 },
    )
  })
})

import type { BusinessCalendar, SlaPolicyFields, TicketStatus } from '@flare/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeSla, type SlaTicket } from './sla.js'
import { calendarArb, instantArb, weeklyMinutes } from './test/arbitraries.js'
import { referenceAddBusinessMs, referenceBusinessMs } from './test/reference.js'
import { referenceNextChange, referenceSlaStates } from './test/reference-sla.js'

const MINUTE = 60_000
const RUNS = { numRuns: 300 }

interface Case {
  calendar: BusinessCalendar
  policy: SlaPolicyFields
  ticket: SlaTicket
  now: number
}

/** A policy whose targets the calendar reaches within a few weeks, so stepping ends. */
function policyArb(calendar: BusinessCalendar): fc.Arbitrary<SlaPolicyFields> {
  const most = Math.max(1, Math.min(600, weeklyMinutes(calendar)))
  const target = fc.option(fc.integer({ min: 1, max: most }), { nil: null, freq: 4 })
  return fc
    .record({
      firstResponseMinutes: target,
      resolutionMinutes: target,
      businessHours: fc.boolean(),
      atRiskPercent: fc.oneof(fc.constant(80), fc.integer({ min: 1, max: 99 })),
    })
    .map((p) => ({ inboxId: null, priority: 'urgent' as const, ...p }))
}

/**
 * `now` as wall-clock ms after creation: anywhere within three weeks, or within two hours of
 * an instant where a threshold is crossed (found by the walking reference, not the engine).
 */
function ageArb(calendar: BusinessCalendar, policy: SlaPolicyFields, created: number) {
  const clock = policy.businessHours ? calendar : null
  const thresholds = [policy.firstResponseMinutes, policy.resolutionMinutes]
    .filter((m): m is number => m !== null)
    .flatMap((m) => [Math.round((m * MINUTE * policy.atRiskPercent) / 100), m * MINUTE])
    .map((ms) => referenceAddBusinessMs(clock, created, ms) - created)
  const wide = fc.integer({ min: 0, max: 21 * 86_400_000 })
  if (thresholds.length === 0) return wide
  const near = fc
    .record({
      at: fc.constantFrom(...thresholds),
      delta: fc.oneof(fc.integer({ min: -7_200_000, max: 7_200_000 }), fc.constantFrom(-1, 0, 1)),
    })
    .map(({ at, delta }) => Math.max(0, at + delta))
  return fc.oneof(wide, near, near)
}

const caseArb: fc.Arbitrary<Case> = calendarArb.chain((calendar) =>
  fc.tuple(policyArb(calendar), instantArb).chain(([policy, created]) =>
    fc
      .record({
        age: ageArb(calendar, policy, created),
        // where the reply and the resolution fall between creation and `now`
        reply: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null, freq: 2 }),
        finished: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null, freq: 2 }),
        status: fc.constantFrom<TicketStatus>('open', 'open', 'on_hold', 'resolved', 'closed'),
      })
      .map(({ age, reply, finished, status }) => ({
        calendar,
        policy,
        now: created + age,
        ticket: {
          inboxId: 'inbox-1',
          priority: 'urgent' as const,
          status,
          createdAt: new Date(created),
          firstResponseAt: reply === null ? null : new Date(created + Math.floor(reply * age)),
          resolvedAt: finished === null ? null : new Date(created + Math.floor(finished * age)),
        },
      })),
  ),
)

const RANK = { met: 0, on_track: 0, at_risk: 1, breached: 2 } as const

describe('SLA status against the stepping reference', () => {
  it('[8.1.2] each target has the state the definition gives, and the status is the worst', () => {
    fc.assert(
      fc.property(caseArb, ({ calendar, policy, ticket, now }) => {
        const sla = computeSla(ticket, policy, calendar, new Date(now))
        const expected = referenceSlaStates(ticket, policy, calendar, now)
        expect(sla.targets.map((t) => ({ metric: t.metric, state: t.state }))).toEqual(expected)
        const worst = Math.max(...expected.map((t) => RANK[t.state]))
        expect(sla.status).toBe(
          expected.length === 0 ? null : (['on_track', 'at_risk', 'breached'] as const)[worst],
        )
      }),
      RUNS,
    )
  })

  it('[8.1.3] the next change is the first instant a threshold is crossed, to the millisecond', () => {
    fc.assert(
      fc.property(caseArb, ({ calendar, policy, ticket, now }) => {
        const sla = computeSla(ticket, policy, calendar, new Date(now))
        const expected = referenceNextChange(ticket, policy, calendar, now)
        expect(sla.nextChangeAt?.getTime() ?? null).toBe(expected)
        if (sla.nextChangeAt) {
          const next = sla.nextChangeAt.getTime()
          const states = (at: number) => referenceSlaStates(ticket, policy, calendar, at)
          // nothing changes before it, something changes at it
          expect(states(next - 1)).toEqual(states(now))
          expect(states(next)).not.toEqual(states(now))
        }
      }),
      RUNS,
    )
  })

  it("[8.1.2] firstResponseTime is the reply's elapsed minutes on the policy's clock", () => {
    fc.assert(
      fc.property(caseArb, ({ calendar, policy, ticket, now }) => {
        const sla = computeSla(ticket, policy, calendar, new Date(now))
        if (ticket.firstResponseAt === null) {
          expect(sla.firstResponseTime).toBeNull()
          return
        }
        const took = referenceBusinessMsOf(policy.businessHours ? calendar : null, ticket)
        expect(sla.firstResponseTime).toBe(took / MINUTE)
      }),
      RUNS,
    )
  })
})

function referenceBusinessMsOf(calendar: BusinessCalendar | null, ticket: SlaTicket): number {
  return referenceBusinessMs(
    calendar,
    ticket.createdAt.getTime(),
    ticket.firstResponseAt?.getTime() ?? ticket.createdAt.getTime(),
  )
}

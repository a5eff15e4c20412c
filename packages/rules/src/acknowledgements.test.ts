import type { BusinessCalendar } from '@flare/protocol'
import { describe, expect, it } from 'vitest'
import { evaluateTicket, recordFiring } from './evaluate.js'
import { at, MINUTE, rule, T0, ticketAt } from './test/fixtures.js'
import type { ChainAcknowledgement, EvaluableRule, TicketSnapshot } from './ticket.js'

const FALLBACK = {
  escalateTo: 'specific_user' as const,
  escalateToTeamId: null,
  escalateToUserId: 'u-fallback',
  escalateToRotationId: null,
  recipientEmail: null,
  recipientPhone: null,
}

/**
 * The server's loop: evaluate, record the firing with its cause, sleep until `nextDueAt`.
 * Returns `id@minute` (plus `:cause`) for each firing.
 */
function run(
  ticket: TicketSnapshot,
  rules: readonly EvaluableRule[],
  until: number,
  calendar: BusinessCalendar | null = null,
  from = at(0),
): string[] {
  const fired: string[] = []
  let now = from
  for (let step = 0; step < 200; step++) {
    const evaluation = evaluateTicket(ticket, rules, calendar, now)
    if (evaluation.fire) {
      ticket = recordFiring(ticket, evaluation.fire, now, evaluation.cause)
      const minute = (now.getTime() - T0) / MINUTE
      fired.push(`${evaluation.fire.id}@${minute}${evaluation.cause ? `:${evaluation.cause}` : ''}`)
    }
    const next = evaluation.nextDueAt
    if (next === null || next.getTime() > at(until).getTime()) break
    now = next
  }
  return fired
}

function acked(
  ticket: TicketSnapshot,
  acknowledgedAt: number,
  until: number | null,
  chain = 'default',
): TicketSnapshot {
  const ack: ChainAcknowledgement = {
    chain,
    acknowledgedAt: at(acknowledgedAt),
    until: until === null ? null : at(until),
  }
  return { ...ticket, acknowledgements: [...(ticket.acknowledgements ?? []), ack] }
}

describe('acknowledgements silence a chain (SPEC §11.2)', () => {
  const levels = [rule('L1', 5), rule('L2', 10), rule('L3', 20)]

  it('[11.2.2] after "I\'m on it" the chain\'s further levels stay quiet', () => {
    const ticket = acked(recordFiring(ticketAt(), { id: 'L1' }, at(5)), 6, null)
    expect(evaluateTicket(ticket, levels, null, at(30))).toEqual({ fire: null, nextDueAt: null })
    expect(run(ticket, levels, 600, null, at(6))).toEqual([])
  })

  it('[11.2.2] other chains go on: the phone preset still fires beside an acknowledged team chain', () => {
    const rules = [...levels, rule('phone', 15, { chain: 'phone:inbox-1' })]
    const ticket = acked(recordFiring(ticketAt(), { id: 'L1' }, at(5)), 6, null)
    expect(run(ticket, rules, 600, null, at(6))).toEqual(['phone@15'])
  })

  it('[11.2.2] the customer writing again re-arms the chain: what came due while silenced fires once, then the next level on time', () => {
    // taken at 6; the customer writes again at 12, when the 10-minute level had come due
    const ticket = acked(recordFiring(ticketAt(), { id: 'L1' }, at(5)), 6, 12)
    expect(run(ticket, levels, 600, null, at(6))).toEqual(['L2@12', 'L3@20'])
  })

  it('[11.2.2] an acknowledgement from an earlier period says nothing about this one', () => {
    // an age-clock chain, taken at 6, then the ticket was resolved and reopened at 100
    const ageLevels = [rule('A1', 5, { clock: 'age' }), rule('A2', 10, { clock: 'age' })]
    const ticket = acked(ticketAt({ openSince: at(100), waitingSince: null }), 6, null)
    expect(run(ticket, ageLevels, 200, null, at(100))).toEqual(['A1@105', 'A2@110'])
  })
})

describe('acknowledgement timeouts (SPEC §11.2.3)', () => {
  it('[11.2.3] a firing nobody takes within acknowledgeWithinMinutes climbs to the next level, once', () => {
    const rules = [rule('L1', 5, { acknowledgeWithinMinutes: 1 }), rule('L2', 30)]
    // L2 does not fire again when its own threshold comes: it fired in this period
    expect(run(ticketAt(), rules, 600)).toEqual(['L1@5', 'L2@6:acknowledge_timeout'])
  })

  it('[11.2.3] timeouts chain level after level, then stop at the top without a fallback', () => {
    const rules = [
      rule('L1', 5, { acknowledgeWithinMinutes: 1 }),
      rule('L2', 30, { acknowledgeWithinMinutes: 2 }),
      rule('L3', 60, { acknowledgeWithinMinutes: 3 }),
    ]
    expect(run(ticketAt(), rules, 600)).toEqual([
      'L1@5',
      'L2@6:acknowledge_timeout',
      'L3@8:acknowledge_timeout',
    ])
  })

  it('[11.2.3] at the top of the chain it goes to the fallback target, exactly once', () => {
    const rules = [rule('L1', 5, { acknowledgeWithinMinutes: 1, fallback: FALLBACK })]
    expect(run(ticketAt(), rules, 600)).toEqual(['L1@5', 'L1@6:fallback'])
    const evaluation = evaluateTicket(
      recordFiring(ticketAt(), { id: 'L1' }, at(5)),
      rules,
      null,
      at(6),
    )
    expect(evaluation.cause).toBe('fallback')
    expect(evaluation.unacknowledged).toEqual({
      ruleId: 'L1',
      level: 1,
      escalatedAt: at(5),
      minutes: 1,
    })
  })

  it('[11.2.3] the deadline is in next due instant, and an acknowledged firing does not climb', () => {
    const rules = [rule('L1', 5, { acknowledgeWithinMinutes: 1 }), rule('L2', 30)]
    const fired = recordFiring(ticketAt(), { id: 'L1' }, at(5))
    expect(evaluateTicket(fired, rules, null, at(5)).nextDueAt).toEqual(at(6))
    const taken = acked(fired, 5.5, null)
    expect(evaluateTicket(taken, rules, null, at(6))).toEqual({ fire: null, nextDueAt: null })
  })

  it('[11.2.3] a level whose own threshold comes before the deadline fires as itself', () => {
    const rules = [rule('L1', 5, { acknowledgeWithinMinutes: 10 }), rule('L2', 8)]
    expect(run(ticketAt(), rules, 600)).toEqual(['L1@5', 'L2@8'])
  })

  it('[11.2.3] the next level must match the ticket: a non-matching one is skipped', () => {
    const rules = [
      rule('L1', 5, { acknowledgeWithinMinutes: 1 }),
      rule('L2', 30, { priority: 'low' }),
      rule('L3', 60),
    ]
    expect(run(ticketAt(), rules, 600)).toEqual(['L1@5', 'L3@6:acknowledge_timeout'])
  })

  it('[11.2.2] [11.2.3] letting go re-arms the deadline from that instant', () => {
    const rules = [rule('L1', 5, { acknowledgeWithinMinutes: 1 }), rule('L2', 30)]
    // taken at 5.5, let go at 20: nobody takes it again within a minute
    const ticket = acked(recordFiring(ticketAt(), { id: 'L1' }, at(5)), 5.5, 20)
    expect(run(ticket, rules, 600, null, at(5.5))).toEqual(['L2@21:acknowledge_timeout'])
  })

  it('[11.2.4] a snooze silences until it ends; then the chain goes on as if re-armed', () => {
    const withTimeout = [rule('L1', 5, { acknowledgeWithinMinutes: 1 }), rule('L2', 30)]
    const snoozed = acked(recordFiring(ticketAt(), { id: 'L1' }, at(5)), 5.5, 15)
    expect(evaluateTicket(snoozed, withTimeout, null, at(10)).nextDueAt).toEqual(at(16))
    expect(run(snoozed, withTimeout, 600, null, at(5.5))).toEqual(['L2@16:acknowledge_timeout'])
    // without a timeout, a level that came due during the snooze fires when it ends
    const plain = [rule('L1', 5), rule('L2', 10)]
    expect(run(snoozed, plain, 600, null, at(5.5))).toEqual(['L2@15'])
  })

  it("[11.2.3] an instant trigger's firing nobody takes climbs too: to the chain's next timed level, or its fallback", () => {
    const onKeyword = {
      conditions: [{ field: 'trigger' as const, operator: 'equals' as const, value: 'keyword' }],
      acknowledgeWithinMinutes: 2,
    }
    const triggered = recordFiring(ticketAt(), { id: 'T' }, at(3))
    const rules = [rule('T', 1, onKeyword), rule('L2', 30)]
    expect(run(triggered, rules, 600, null, at(3))).toEqual(['L2@5:acknowledge_timeout'])
    const alone = [rule('T', 1, { ...onKeyword, fallback: FALLBACK })]
    expect(run(triggered, alone, 600, null, at(3))).toEqual(['T@5:fallback'])
    // taken in time: nothing
    expect(run(acked(triggered, 4, null), rules, 600, null, at(3))).toEqual([])
  })

  it("[11.2.3] the deadline counts the rule's own minutes: business minutes wait for the next working day", () => {
    const weekdays: BusinessCalendar = {
      mode: 'same',
      timezone: 'UTC',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '17:00',
    }
    // Friday 2025-01-10 16:50 UTC, a 5-minute level with 15 minutes to acknowledge
    const friday = new Date('2025-01-10T16:50:00Z')
    const ticket = ticketAt({ waitingSince: friday, openSince: friday, createdAt: friday })
    const rules = [rule('L1', 5, { acknowledgeWithinMinutes: 15 }), rule('L2', 600)]
    const fired = recordFiring(ticket, { id: 'L1' }, new Date('2025-01-10T16:55:00Z'))
    // 5 minutes left on Friday, 10 on Monday morning
    expect(
      evaluateTicket(fired, rules, weekdays, new Date('2025-01-10T16:56:00Z')).nextDueAt,
    ).toEqual(new Date('2025-01-13T09:10:00Z'))
  })
})

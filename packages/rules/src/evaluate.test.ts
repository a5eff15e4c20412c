import type { BusinessCalendar } from '@flare/protocol'
import { describe, expect, it } from 'vitest'
import { evaluateTicket, recordFiring } from './evaluate.js'
import { at, rule, schedule, T0, ticketAt } from './test/fixtures.js'
import { findWaitingSince } from './waiting.js'

const weekdaysNewYork: BusinessCalendar = {
  mode: 'same',
  timezone: 'America/New_York',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
}

const thirtySixtyHundredTwenty = [rule('30', 30), rule('60', 60), rule('120', 120)]

function fired(firings: { at: number; ruleId: string }[]): string[] {
  return firings.map((f) => `${f.ruleId}@${f.at}`)
}

describe('evaluateTicket: worked examples', () => {
  it('[6.3.1] only the latest-due crossed rule fires: 30/60/120 at 100 minutes fires the 60', () => {
    const r = evaluateTicket(ticketAt(), thirtySixtyHundredTwenty, null, at(100))
    expect(r.fire?.id).toBe('60')
    expect(r.nextDueAt).toEqual(at(120))
  })

  it('[6.3.1] the scheduler fires each threshold once, in order', () => {
    const { firings } = schedule(ticketAt(), thirtySixtyHundredTwenty, null, at(0), at(1000))
    expect(fired(firings)).toEqual(['30@30', '60@60', '120@120'])
  })

  it('[6.3.1] ties go to the higher threshold, then the lower id', () => {
    // an age rule at 90 and a waiting rule at 30 whose period began at 60: both due at 90
    const ticket = ticketAt({ waitingSince: at(60) })
    const age = rule('b', 90, { clock: 'age' })
    const waiting = rule('a', 30)
    expect(evaluateTicket(ticket, [waiting, age], null, at(90)).fire?.id).toBe('b')
    const twins = [rule('10', 45), rule('9', 45)]
    expect(evaluateTicket(ticketAt(), twins, null, at(50)).fire?.id).toBe('9')
    // and the other twin never fires after it
    const { firings } = schedule(ticketAt(), twins, null, at(0), at(500))
    expect(fired(firings)).toEqual(['9@45'])
  })

  it('[6.3.2] a rule repeats only with repeatEveryMinutes, that many minutes after its last firing', () => {
    const repeating = [rule('240', 240, { repeatEveryMinutes: 120 })]
    const { firings } = schedule(ticketAt(), repeating, null, at(0), at(600))
    expect(fired(firings)).toEqual(['240@240', '240@360', '240@480', '240@600'])
    const oneShot = schedule(ticketAt(), [rule('240', 240)], null, at(0), at(600))
    expect(fired(oneShot.firings)).toEqual(['240@240'])
  })

  it("[6.3.2] repeats count from the actual firing, in the rule's own clock", () => {
    const ticket = recordFiring(ticketAt(), { id: 'r' }, at(45))
    const r = evaluateTicket(ticket, [rule('r', 30, { repeatEveryMinutes: 30 })], null, at(50))
    expect(r).toEqual({ fire: null, nextDueAt: at(75) })
  })

  it('[6.3.2] [6.3.3] a repeating rule goes quiet once a higher rule fired', () => {
    const rules = [rule('30', 30, { repeatEveryMinutes: 20 }), rule('60', 60)]
    const { firings } = schedule(ticketAt(), rules, null, at(0), at(600))
    expect(fired(firings)).toEqual(['30@30', '30@50', '60@60'])
  })

  it('[6.3.2] seed 002: 60 notify, 240 with a 120 repeat, 480 to on-call, in business minutes', () => {
    const rules = [rule('60', 60), rule('240', 240, { repeatEveryMinutes: 120 }), rule('480', 480)]
    // a ticket arriving Monday 09:00 New York: 480 business minutes is the whole day
    const { firings } = schedule(ticketAt(), rules, weekdaysNewYork, at(0), at(7 * 1440))
    expect(fired(firings)).toEqual(['60@60', '240@240', '240@360', '480@480'])
  })

  it('[5] a Friday-17:00 ticket does not escalate over the weekend', () => {
    // Friday 10 January 2025, 17:00 New York; rule: one business hour
    const friday = new Date('2025-01-10T22:00:00Z')
    const ticket = ticketAt({ createdAt: friday, openSince: friday, waitingSince: friday })
    const saturday = evaluateTicket(
      ticket,
      [rule('60', 60)],
      weekdaysNewYork,
      new Date('2025-01-11T17:00:00Z'),
    )
    expect(saturday).toEqual({ fire: null, nextDueAt: new Date('2025-01-13T15:00:00Z') })
    const monday = evaluateTicket(
      ticket,
      [rule('60', 60)],
      weekdaysNewYork,
      new Date('2025-01-13T15:00:00Z'),
    )
    expect(monday.fire?.id).toBe('60')
  })

  it('[6.1] businessHoursOnly false counts wall-clock minutes even with a calendar', () => {
    const friday = new Date('2025-01-10T22:00:00Z')
    const ticket = ticketAt({ createdAt: friday, openSince: friday, waitingSince: friday })
    const wall = rule('wall', 60, { businessHoursOnly: false })
    const r = evaluateTicket(ticket, [wall], weekdaysNewYork, new Date('2025-01-10T23:00:00Z'))
    expect(r.fire?.id).toBe('wall')
  })

  it('[6.3.4] after downtime only what is due now fires, once', () => {
    const { firings } = schedule(ticketAt(), thirtySixtyHundredTwenty, null, at(200), at(1000))
    expect(fired(firings)).toEqual(['120@200'])
  })

  it('[6.3.4] a catch-up fires once even when level conditions would cascade', () => {
    const level = (n: number) => [
      { field: 'escalationLevel' as const, operator: 'equals' as const, value: n },
    ]
    const rules = [
      rule('L1', 30, { conditions: level(0) }),
      rule('L2', 60, { conditions: level(1) }),
      rule('L3', 90, { conditions: level(2) }),
    ]
    expect(fired(schedule(ticketAt(), rules, null, at(0), at(500)).firings)).toEqual([
      'L1@30',
      'L2@60',
      'L3@90',
    ])
    expect(fired(schedule(ticketAt(), rules, null, at(100), at(500)).firings)).toEqual(['L1@100'])
  })

  it('[6.2] only open tickets fire: a hold stops everything until the ticket changes', () => {
    for (const status of ['on_hold', 'resolved', 'closed'] as const) {
      const ticket = ticketAt({ status })
      expect(evaluateTicket(ticket, thirtySixtyHundredTwenty, null, at(100))).toEqual({
        fire: null,
        nextDueAt: null,
      })
    }
    // back from hold, the waiting clock waits for the next customer message
    const back = ticketAt({ waitingSince: null })
    expect(evaluateTicket(back, thirtySixtyHundredTwenty, null, at(100))).toEqual({
      fire: null,
      nextDueAt: null,
    })
    const messaged = ticketAt({ waitingSince: at(150) })
    expect(evaluateTicket(messaged, thirtySixtyHundredTwenty, null, at(160)).nextDueAt).toEqual(
      at(180),
    )
  })

  it('[6.2] Deviation: a follow-up customer message does not restart the waiting clock', () => {
    const messages = [
      { authorKind: 'customer' as const, internal: false, createdAt: at(0) },
      { authorKind: 'staff' as const, internal: true, createdAt: at(20) }, // a note: not material
      { authorKind: 'customer' as const, internal: false, createdAt: at(50) }, // "hello??"
    ]
    const waitingSince = findWaitingSince(messages, at(0))
    expect(waitingSince).toEqual(at(0))
    const r = evaluateTicket(ticketAt({ waitingSince }), [rule('60', 60)], null, at(60))
    expect(r.fire?.id).toBe('60')
  })

  it('[6.2] a staff reply ends the period; the next one starts with its firing state forgotten', () => {
    const messages = [
      { authorKind: 'customer' as const, internal: false, createdAt: at(0) },
      { authorKind: 'staff' as const, internal: false, createdAt: at(40) },
      { authorKind: 'customer' as const, internal: false, createdAt: at(100) },
    ]
    expect(findWaitingSince(messages.slice(0, 2), at(0))).toBeNull()
    const waitingSince = findWaitingSince(messages, at(0))
    expect(waitingSince).toEqual(at(100))
    const history = recordFiring(ticketAt(), { id: '30' }, at(30)).escalationHistory
    const ticket = ticketAt({ waitingSince, escalationHistory: history, escalationLevel: 0 })
    expect(evaluateTicket(ticket, [rule('30', 30)], null, at(130)).fire?.id).toBe('30')
    // back from a hold at 200, a customer message during the hold does not count
    expect(
      findWaitingSince(
        [...messages, { authorKind: 'customer', internal: false, createdAt: at(190) }],
        at(200),
      ),
    ).toBeNull()
  })

  it('[6.2] the age clock runs from the start of the open life, waiting or not', () => {
    const ticket = ticketAt({ waitingSince: null, openSince: at(10) })
    const r = evaluateTicket(ticket, [rule('age', 120, { clock: 'age' })], null, at(100))
    expect(r).toEqual({ fire: null, nextDueAt: at(130) })
  })

  it('[6.1] priority, inbox, enabled and conditions decide which rules watch a ticket', () => {
    const ticket = ticketAt({
      priority: 'urgent',
      customerTags: ['VIP-gold'],
      slaStatus: 'at_risk',
    })
    const fires = (r: ReturnType<typeof rule>) =>
      evaluateTicket(ticket, [r], null, at(60)).fire !== null
    expect(fires(rule('a', 30, { priority: 'urgent' }))).toBe(true)
    expect(fires(rule('a', 30, { priority: 'low' }))).toBe(false)
    expect(fires(rule('a', 30, { inboxId: 'inbox-1' }))).toBe(true)
    expect(fires(rule('a', 30, { inboxId: 'inbox-2' }))).toBe(false)
    expect(fires(rule('a', 30, { enabled: false }))).toBe(false)
    const when = (field: string, operator: string, value: unknown) =>
      fires(rule('a', 30, { conditions: [{ field, operator, value } as never] }))
    expect(when('assignedToUserId', 'equals', null)).toBe(true)
    expect(when('assignedToUserId', 'not_equals', null)).toBe(false)
    expect(when('status', 'not_in', ['resolved', 'closed'])).toBe(true)
    expect(when('priority', 'in', ['high', 'urgent'])).toBe(true)
    expect(when('categoryId', 'equals', 5)).toBe(false)
    expect(when('slaStatus', 'equals', 'at_risk')).toBe(true)
    expect(when('slaStatus', 'contains', 'RISK')).toBe(true)
    expect(when('customerTag', 'contains', 'vip')).toBe(true)
    expect(when('customerTag', 'equals', 'VIP-gold')).toBe(true)
    expect(when('customerTag', 'not_in', ['VIP-gold'])).toBe(false)
    expect(when('escalationLevel', 'in', [0, 1])).toBe(true)
    const assigned = ticketAt({ assignedToUserId: 'u-7', categoryId: '5' })
    const cond = (field: string, operator: string, value: unknown) =>
      evaluateTicket(
        assigned,
        [rule('a', 30, { conditions: [{ field, operator, value } as never] })],
        null,
        at(60),
      ).fire !== null
    expect(cond('assignedToUserId', 'equals', null)).toBe(false)
    expect(cond('assignedToUserId', 'equals', 'u-7')).toBe(true)
    // the seed's numeric ids match our string ids by their text
    expect(cond('categoryId', 'equals', 5)).toBe(true)
  })

  it('[9] chains are independent: one firing per call, the earliest-due first, then now again', () => {
    const rules = [rule('team', 60), rule('phone', 5, { chain: 'phone' })]
    const first = evaluateTicket(ticketAt(), rules, null, at(70))
    expect(first).toEqual({ fire: rules[1], nextDueAt: at(70) })
    const ticket = recordFiring(ticketAt(), rules[1]!, at(70))
    const second = evaluateTicket(ticket, rules, null, at(70))
    expect(second).toEqual({ fire: rules[0], nextDueAt: null })
    // a later rule of another chain neither silences nor is silenced
    const { firings } = schedule(ticketAt(), [...rules, rule('team-30', 30)], null, at(0), at(500))
    expect(fired(firings)).toEqual(['phone@5', 'team-30@30', 'team@60'])
  })

  it('[6.3] nothing to fire, ever: nextDueAt is null; no rules at all: null', () => {
    const ticket = recordFiring(ticketAt(), { id: '120' }, at(120))
    expect(evaluateTicket(ticket, thirtySixtyHundredTwenty, null, at(200))).toEqual({
      fire: null,
      nextDueAt: null,
    })
    expect(evaluateTicket(ticketAt(), [], null, at(5))).toEqual({ fire: null, nextDueAt: null })
    expect(at(0).getTime()).toBe(T0)
  })
})

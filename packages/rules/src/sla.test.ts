import type { BusinessCalendar, SlaPolicyFields } from '@flare/protocol'
import { describe, expect, it } from 'vitest'
import { evaluateTicket } from './evaluate.js'
import { computeSla, findSlaPolicy, type SlaTicket } from './sla.js'
import { rule, ticketAt } from './test/fixtures.js'

const MINUTE = 60_000
const T0 = Date.parse('2025-01-06T14:00:00Z') // a Monday, 09:00 in New York
const at = (minutes: number) => new Date(T0 + minutes * MINUTE)

const weekdays: BusinessCalendar = {
  mode: 'same',
  timezone: 'America/New_York',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  holidays: [],
}

function policy(overrides: Partial<SlaPolicyFields> = {}): SlaPolicyFields {
  return {
    inboxId: null,
    priority: 'urgent',
    firstResponseMinutes: 15,
    resolutionMinutes: null,
    businessHours: false,
    atRiskPercent: 80,
    ...overrides,
  }
}

function ticket(overrides: Partial<SlaTicket> = {}): SlaTicket {
  return {
    inboxId: 'inbox-1',
    status: 'open',
    priority: 'urgent',
    createdAt: at(0),
    firstResponseAt: null,
    resolvedAt: null,
    ...overrides,
  }
}

describe('computeSla', () => {
  it('[8.1.2] a 15-minute first-response target is at risk at 12 minutes and breached at 15', () => {
    const p = policy()
    expect(computeSla(ticket(), p, null, at(0))).toMatchObject({
      status: 'on_track',
      nextChangeAt: at(12),
      dueAt: at(15),
      firstResponseTime: null,
    })
    expect(computeSla(ticket(), p, null, new Date(at(12).getTime() - 1)).status).toBe('on_track')
    expect(computeSla(ticket(), p, null, at(12))).toMatchObject({
      status: 'at_risk',
      nextChangeAt: at(15),
    })
    expect(computeSla(ticket(), p, null, at(15))).toMatchObject({
      status: 'breached',
      nextChangeAt: null,
      dueAt: null,
    })
  })

  it('[8.1.2] a reply in time settles the target; a late one leaves it breached for good', () => {
    const p = policy()
    const answered = ticket({ firstResponseAt: at(10) })
    expect(computeSla(answered, p, null, at(11))).toMatchObject({
      status: 'on_track',
      nextChangeAt: null,
      firstResponseTime: 10,
    })
    expect(computeSla(answered, p, null, at(600)).status).toBe('on_track')
    const late = ticket({ firstResponseAt: at(20) })
    expect(computeSla(late, p, null, at(600))).toMatchObject({
      status: 'breached',
      firstResponseTime: 20,
    })
  })

  it('[8.1.2] the worst target decides; resolving stops every clock', () => {
    const p = policy({ resolutionMinutes: 60 })
    const answered = ticket({ firstResponseAt: at(5) })
    expect(computeSla(answered, p, null, at(48))).toMatchObject({
      status: 'at_risk',
      nextChangeAt: at(60),
    })
    const resolved = ticket({ firstResponseAt: at(5), status: 'resolved', resolvedAt: at(50) })
    expect(computeSla(resolved, p, null, at(500))).toMatchObject({
      status: 'on_track',
      nextChangeAt: null,
    })
    // a ticket reopened after resolution runs its resolution clock on from creation
    const reopened = ticket({ firstResponseAt: at(5), resolvedAt: null })
    expect(computeSla(reopened, p, null, at(500)).status).toBe('breached')
  })

  it('[8.1.2] business hours: a ticket from Friday evening is due on Monday morning', () => {
    const friday = new Date('2025-01-10T21:55:00Z') // 16:55 in New York
    const p = policy({ businessHours: true })
    const sla = computeSla(ticket({ createdAt: friday }), p, weekdays, friday)
    // 5 minutes on Friday, then 09:00–09:10 on Monday
    expect(sla.dueAt).toEqual(new Date('2025-01-13T14:10:00Z'))
    expect(sla.nextChangeAt).toEqual(new Date('2025-01-13T14:07:00Z'))
    const reply = ticket({ createdAt: friday, firstResponseAt: new Date('2025-01-13T14:05:00Z') })
    expect(computeSla(reply, p, weekdays, new Date('2025-01-13T15:00:00Z')).firstResponseTime).toBe(
      10,
    )
  })

  it('[8.1.2] business hours across the spring change keep 09:00–17:00 local', () => {
    // Friday 2025-03-07 16:00 EST; the clocks go forward on Sunday 03-09
    const created = new Date('2025-03-07T21:00:00Z')
    const p = policy({ firstResponseMinutes: 120, businessHours: true })
    const sla = computeSla(ticket({ createdAt: created }), p, weekdays, created)
    // 60 minutes on Friday, 60 on Monday from 09:00 EDT (13:00Z)
    expect(sla.dueAt).toEqual(new Date('2025-03-10T14:00:00Z'))
    expect(sla.nextChangeAt).toEqual(new Date('2025-03-10T13:36:00Z'))
  })

  it('[8.1.2] no policy, or no target: status null, firstResponseTime still measured', () => {
    const answered = ticket({ firstResponseAt: at(3) })
    expect(computeSla(answered, null, null, at(10))).toEqual({
      status: null,
      firstResponseTime: 3,
      nextChangeAt: null,
      dueAt: null,
      targets: [],
    })
  })
})

describe('findSlaPolicy', () => {
  it("[8.1.1] an inbox's own policy wins over the space-wide one of the priority", () => {
    const space = policy()
    const inbox = policy({ inboxId: 'inbox-1', firstResponseMinutes: 5 })
    const high = policy({ priority: 'high' })
    const policies = [space, inbox, high]
    expect(findSlaPolicy(policies, { inboxId: 'inbox-1', priority: 'urgent' })).toBe(inbox)
    expect(findSlaPolicy(policies, { inboxId: 'inbox-2', priority: 'urgent' })).toBe(space)
    expect(findSlaPolicy(policies, { inboxId: 'inbox-1', priority: 'low' })).toBeNull()
  })
})

describe('SLA fields in rule conditions', () => {
  // seed 004's "Urgent - First Response SLA Escalation", as the engine reads it
  const seedRule = rule('sla', 12, {
    priority: 'urgent',
    conditions: [
      { field: 'slaStatus', operator: 'equals', value: 'at_risk' },
      { field: 'firstResponseTime', operator: 'equals', value: null },
    ],
  })
  const always: BusinessCalendar = { mode: 'always', timezone: 'UTC' }

  /** What the server does: the SLA at `now` into the snapshot, the next SLA change into the due instant. */
  function step(replyAt: Date | null, now: Date) {
    const sla = computeSla(ticket({ firstResponseAt: replyAt }), policy(), always, now)
    const snapshot = ticketAt({
      priority: 'urgent',
      slaStatus: sla.status,
      firstResponseTime: sla.firstResponseTime,
    })
    const evaluation = evaluateTicket(snapshot, [seedRule], always, now)
    const next = [evaluation.nextDueAt, sla.nextChangeAt]
      .filter((d): d is Date => d !== null)
      .sort((a, b) => a.getTime() - b.getTime())[0]
    return { fire: evaluation.fire, next: next ?? null }
  }

  it('[8.1.4] the seed rule fires when the ticket becomes at risk, not a moment before', () => {
    const first = step(null, at(0))
    expect(first).toEqual({ fire: null, next: at(12) })
    expect(step(null, new Date(at(12).getTime() - 1)).fire).toBeNull()
    expect(step(null, at(12)).fire?.id).toBe('sla')
  })

  it('[8.1.4] answered before the at-risk point, it never fires', () => {
    expect(step(at(11), at(11))).toEqual({ fire: null, next: null })
    expect(step(at(11), at(14)).fire).toBeNull()
  })
})

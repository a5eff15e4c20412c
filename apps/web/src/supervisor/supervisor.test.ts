import type { MetricsResponse } from '@flare/protocol/client'
import { describe, expect, it } from 'vitest'
import { NO_PERSPECTIVE_FILTER } from '../store/supervisor-slice.js'
import { metricsCsv } from './csv.js'
import { formatDuration } from './format.js'
import { presetRange } from './period.js'
import { perspectiveRow } from './perspective-fixtures.js'
import { applyPerspectiveItem } from './perspective-rows.js'

const row = perspectiveRow

describe('the perspective, live', () => {
  const rows = [row('a', '2026-11-23T10:30:00.000Z'), row('b', '2026-11-23T10:00:00.000Z')]

  it('[8.3.1] a ticket that fires again moves to the top, once', () => {
    const again = row('b', '2026-11-23T11:00:00.000Z', { level: 2 })
    const next = applyPerspectiveItem(rows, again, NO_PERSPECTIVE_FILTER)
    expect(next.map((r) => [r.ticket.id, r.level])).toEqual([
      ['b', 2],
      ['a', 1],
    ])
  })

  it('[8.3.1] a newly escalated ticket takes its place by time; an acknowledgement replaces the row', () => {
    const middle = row('c', '2026-11-23T10:15:00.000Z')
    expect(
      applyPerspectiveItem(rows, middle, NO_PERSPECTIVE_FILTER).map((r) => r.ticket.id),
    ).toEqual(['a', 'c', 'b'])
    const acked = {
      ...rows[1]!,
      acknowledgedBy: 'dana',
      acknowledgedAt: '2026-11-23T10:40:00.000Z',
    }
    const next = applyPerspectiveItem(rows, acked, NO_PERSPECTIVE_FILTER)
    expect(next.map((r) => [r.ticket.id, r.acknowledgedBy])).toEqual([
      ['a', null],
      ['b', 'dana'],
    ])
  })

  it('[8.3.1] under a level filter, a firing of another level changes only what the row says of the ticket', () => {
    const levelOne = { ...NO_PERSPECTIVE_FILTER, level: '1' }
    const climbed = row('b', '2026-11-23T11:00:00.000Z', {
      level: 2,
      ticket: { ...rows[1]!.ticket, escalationLevel: 2 },
    })
    const next = applyPerspectiveItem(rows, climbed, levelOne)
    expect(next.map((r) => [r.ticket.id, r.level, r.ticket.escalationLevel])).toEqual([
      ['a', 1, 1],
      ['b', 1, 2],
    ])
    // a ticket assigned away from the assignee filter leaves the list
    const mine = { ...NO_PERSPECTIVE_FILTER, assignee: 'none' }
    const assigned = { ...rows[0]!, ticket: { ...rows[0]!.ticket, assignedToUserId: 'eli' } }
    expect(applyPerspectiveItem(rows, assigned, mine).map((r) => r.ticket.id)).toEqual(['b'])
  })
})

describe('metrics as CSV and words', () => {
  const metrics: MetricsResponse = {
    period: {
      from: '2026-11-22T00:00:00.000Z',
      to: '2026-11-24T00:00:00.000Z',
      timezone: 'Europe/London',
      bucket: 'day',
    },
    filters: { inboxId: null, priority: null, teamId: null },
    tickets: 5,
    escalationRate: { value: 0.8, numerator: 4, denominator: 5 },
    timeToEscalate: { count: 4, medianMs: 2_100_000, p90Ms: 3_240_000 },
    resolutionAfterEscalation: { count: 3, medianMs: 3_600_000, p90Ms: 5_040_000, unresolved: 1 },
    repeatEscalationRate: { value: 0.25, numerator: 1, denominator: 4 },
    slaCompliance: { value: 1 / 3, numerator: 1, denominator: 3, pending: 2 },
    hands: {
      raised: 3,
      responded: { value: 2 / 3, numerator: 2, denominator: 3 },
      timeToResponse: { count: 2, medianMs: 240_000, p90Ms: 336_000 },
    },
    series: [
      {
        start: '2026-11-22T00:00:00.000Z',
        end: '2026-11-23T00:00:00.000Z',
        tickets: 2,
        escalated: 2,
        repeated: 1,
        timeToEscalateMedianMs: 1_200_000,
        slaMet: 1,
        slaMissed: 1,
        handsRaised: 1,
        handsResponded: 1,
        handResponseMedianMs: 120_000,
      },
      {
        start: '2026-11-23T00:00:00.000Z',
        end: '2026-11-24T00:00:00.000Z',
        tickets: 3,
        escalated: 2,
        repeated: 0,
        timeToEscalateMedianMs: null,
        slaMet: 0,
        slaMissed: 1,
        handsRaised: 2,
        handsResponded: 1,
        handResponseMedianMs: 360_000,
      },
    ],
  }

  it('[8.2] the CSV has the period, then a row per bucket, each figure beside its counts', () => {
    const lines = metricsCsv(metrics).trimEnd().split('\r\n')
    expect(lines).toHaveLength(4)
    expect(lines[0]?.split(',').slice(0, 6)).toEqual([
      'period',
      'start',
      'end',
      'tickets',
      'escalated',
      'escalation_rate',
    ])
    // total: 5 tickets, 4 escalated (0.8), 1 repeated (0.25), 35 and 54 minutes
    expect(lines[1]).toBe(
      'total,2026-11-22T00:00:00.000Z,2026-11-24T00:00:00.000Z,5,4,0.8,1,0.25,35,54,60,1,2,0.3333,3,2,4',
    )
    expect(lines[3]?.split(',').slice(0, 9)).toEqual([
      'bucket',
      '2026-11-23T00:00:00.000Z',
      '2026-11-24T00:00:00.000Z',
      '3',
      '2',
      '0.6667',
      '0',
      '0',
      '',
    ])
  })

  it('[8.2] durations read as a supervisor says them', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(45_000)).toMatch(/45/)
    expect(formatDuration(2_100_000)).toMatch(/35/)
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toMatch(/2.*5/)
  })

  it('[8.2] presets end today in the space timezone', () => {
    // 23:30 UTC on the 23rd is already the 24th in Tokyo
    const now = new Date('2026-11-23T23:30:00.000Z')
    expect(presetRange('today', 'Asia/Tokyo', now)).toEqual({
      from: '2026-11-24',
      to: '2026-11-24',
    })
    expect(presetRange('7d', 'Europe/London', now)).toEqual({
      from: '2026-11-17',
      to: '2026-11-23',
    })
    expect(presetRange('30d', 'Europe/London', now)).toEqual({
      from: '2026-10-25',
      to: '2026-11-23',
    })
  })
})

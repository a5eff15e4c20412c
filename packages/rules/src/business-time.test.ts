import type { BusinessCalendar } from '@flare/protocol'
import { describe, expect, it } from 'vitest'
import { addBusinessMinutes, businessMinutesBetween } from './business-time.js'

const weekdaysNewYork: BusinessCalendar = {
  mode: 'same',
  timezone: 'America/New_York',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  holidays: ['2025-12-25', '2026-01-01'],
}

function sundays(timezone: string, start: string, end: string): BusinessCalendar {
  return { mode: 'per-day', timezone, days: { sun: [{ start, end }] } }
}

function add(calendar: BusinessCalendar | null, from: string, minutes: number): string {
  return addBusinessMinutes(calendar, new Date(from), minutes).toISOString()
}

function between(calendar: BusinessCalendar | null, from: string, to: string): number {
  return businessMinutesBetween(calendar, new Date(from), new Date(to))
}

describe('addBusinessMinutes', () => {
  it('[5] a Friday-17:00 ticket does not count the weekend', () => {
    // Friday 2025-01-10 17:00 EST is 22:00Z; Monday 09:00 EST is 14:00Z
    expect(add(weekdaysNewYork, '2025-01-10T22:00:00Z', 1)).toBe('2025-01-13T14:01:00.000Z')
    expect(between(weekdaysNewYork, '2025-01-10T22:00:00Z', '2025-01-13T13:59:00Z')).toBe(0)
  })

  it('[5] counts from before, inside and after working hours', () => {
    expect(add(weekdaysNewYork, '2025-01-13T12:00:00Z', 30)).toBe('2025-01-13T14:30:00.000Z')
    expect(add(weekdaysNewYork, '2025-01-13T21:30:00Z', 60)).toBe('2025-01-14T14:30:00.000Z')
    expect(add(weekdaysNewYork, '2025-01-13T23:00:00Z', 1)).toBe('2025-01-14T14:01:00.000Z')
  })

  it('[5] a count that ends at closing time ends at closing time', () => {
    expect(add(weekdaysNewYork, '2025-01-13T21:00:00Z', 60)).toBe('2025-01-13T22:00:00.000Z')
    expect(add(weekdaysNewYork, '2025-01-13T21:00:00Z', 0)).toBe('2025-01-13T21:00:00.000Z')
  })

  it('[5] skips holidays, across a year end', () => {
    // Wed 24 Dec 16:00 EST + 120: one hour that day, Christmas off, one hour on Friday
    expect(add(weekdaysNewYork, '2025-12-24T21:00:00Z', 120)).toBe('2025-12-26T15:00:00.000Z')
    // Wed 31 Dec 16:30 EST + 60: New Year's Day off, Friday 2 January 09:30
    expect(add(weekdaysNewYork, '2025-12-31T21:30:00Z', 60)).toBe('2026-01-02T14:30:00.000Z')
  })

  it('[5] a 09:00-17:00 day stays 09:00-17:00 local across daylight saving', () => {
    // Friday before and Monday after New York springs forward (Sunday 9 March 2025)
    expect(add(weekdaysNewYork, '2025-03-07T21:59:00Z', 2)).toBe('2025-03-10T13:01:00.000Z')
    const sundayHours = sundays('America/New_York', '09:00', '17:00')
    expect(between(sundayHours, '2025-03-09T00:00:00Z', '2025-03-10T00:00:00Z')).toBe(480)
    expect(add(sundayHours, '2025-03-09T00:00:00Z', 0.5)).toBe('2025-03-09T13:00:30.000Z')
    expect(between(sundayHours, '2025-11-02T00:00:00Z', '2025-11-03T00:00:00Z')).toBe(480)
    expect(add(sundayHours, '2025-11-02T00:00:00Z', 1)).toBe('2025-11-02T14:01:00.000Z')
  })

  it('[5] whole days are 23 and 25 hours long on the change days', () => {
    const allSunday = sundays('America/New_York', '00:00', '24:00')
    expect(between(allSunday, '2025-03-08T00:00:00Z', '2025-03-11T00:00:00Z')).toBe(23 * 60)
    expect(between(allSunday, '2025-11-01T00:00:00Z', '2025-11-04T00:00:00Z')).toBe(25 * 60)
  })

  it('[5] a wall-clock time that never happens counts nothing; one that happens twice counts twice', () => {
    // spring: 02:00-03:00 does not exist in New York on 9 March 2025
    expect(
      between(
        sundays('America/New_York', '02:00', '02:30'),
        '2025-03-08T00:00Z',
        '2025-03-11T00:00Z',
      ),
    ).toBe(0)
    expect(
      between(
        sundays('America/New_York', '01:00', '03:00'),
        '2025-03-08T00:00Z',
        '2025-03-11T00:00Z',
      ),
    ).toBe(60)
    // autumn: 01:00-02:00 happens twice on 2 November 2025
    expect(
      between(
        sundays('America/New_York', '01:00', '02:00'),
        '2025-11-01T00:00Z',
        '2025-11-04T00:00Z',
      ),
    ).toBe(120)
    expect(add(sundays('America/New_York', '01:00', '02:00'), '2025-11-01T00:00Z', 90)).toBe(
      '2025-11-02T06:30:00.000Z', // 01:30 EST, the second time round
    )
    // Lord Howe moves by 30 minutes: 02:00 -> 02:30 on 5 October 2025, 02:00 -> 01:30 on 6 April 2025
    const lordHowe = sundays('Australia/Lord_Howe', '01:30', '03:00')
    expect(between(lordHowe, '2025-10-03T00:00Z', '2025-10-06T00:00Z')).toBe(60)
    expect(between(lordHowe, '2025-04-04T00:00Z', '2025-04-07T00:00Z')).toBe(120)
  })

  it('[5] India has no daylight saving and a half-hour offset', () => {
    const kolkata: BusinessCalendar = { ...weekdaysNewYork, timezone: 'Asia/Kolkata', holidays: [] }
    expect(add(kolkata, '2025-07-04T11:00:00Z', 60)).toBe('2025-07-07T04:00:00.000Z')
  })

  it('[5] always and no calendar count every minute', () => {
    const always: BusinessCalendar = {
      mode: 'always',
      timezone: 'Europe/London',
      holidays: ['2025-12-25'],
    }
    expect(add(always, '2025-12-24T23:00:00Z', 120)).toBe('2025-12-25T01:00:00.000Z')
    expect(add(null, '2025-03-30T00:30:00Z', 60)).toBe('2025-03-30T01:30:00.000Z')
    expect(between(null, '2025-03-30T01:30:00Z', '2025-03-30T00:30:00Z')).toBe(-60)
  })

  it('[5] keeps millisecond precision', () => {
    expect(add(weekdaysNewYork, '2025-01-13T14:00:00.123Z', 0.5)).toBe('2025-01-13T14:00:30.123Z')
    expect(between(weekdaysNewYork, '2025-01-13T14:00:00.000Z', '2025-01-13T14:00:00.600Z')).toBe(
      0.01,
    )
  })

  it('refuses what it cannot count', () => {
    expect(() => add(weekdaysNewYork, '2025-01-13T14:00:00Z', -1)).toThrow(RangeError)
    expect(() => add(weekdaysNewYork, '2025-01-13T14:00:00Z', Number.NaN)).toThrow(RangeError)
    expect(() =>
      add({ ...weekdaysNewYork, timezone: 'Nowhere/Land' }, '2025-01-13T14:00:00Z', 5),
    ).toThrow(RangeError)
    expect(() =>
      add({ mode: 'per-day', timezone: 'UTC', days: {} }, '2025-01-13T14:00:00Z', 5),
    ).toThrow(RangeError)
    expect(() => addBusinessMinutes(weekdaysNewYork, new Date(Number.NaN), 5)).toThrow(RangeError)
  })
})

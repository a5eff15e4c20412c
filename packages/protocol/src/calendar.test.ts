import { describe, expect, it } from 'vitest'
import { validateCalendar } from './calendar.js'

const weekdays = {
  mode: 'same',
  timezone: 'America/New_York',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  holidays: ['2025-12-25'],
}

function fieldOf(input: unknown): string | undefined {
  const r = validateCalendar(input)
  if (r.ok) throw new Error('expected a refusal')
  expect(r.error.code).toBe('VALIDATION')
  expect(r.error.message.length).toBeGreaterThan(0)
  return r.error.field
}

describe('validateCalendar', () => {
  it('[5] accepts the three modes', () => {
    expect(validateCalendar(weekdays).ok).toBe(true)
    expect(validateCalendar({ mode: 'always', timezone: 'UTC' }).ok).toBe(true)
    const split = {
      mode: 'per-day',
      timezone: 'Europe/London',
      days: {
        mon: [
          { start: '08:00', end: '12:00' },
          { start: '13:00', end: '17:30' },
        ],
        sat: [{ start: '22:00', end: '24:00' }],
        sun: [],
      },
    }
    const r = validateCalendar(split)
    expect(r).toEqual({ ok: true, value: split })
  })

  it('[5] refuses an end before or equal to its start, naming the field', () => {
    expect(fieldOf({ ...weekdays, end: '08:00' })).toBe('end')
    expect(fieldOf({ ...weekdays, end: '09:00' })).toBe('end')
    const perDay = {
      mode: 'per-day',
      timezone: 'UTC',
      days: { tue: [{ start: '10:00', end: '09:59' }] },
    }
    expect(fieldOf(perDay)).toBe('days.tue.0.end')
  })

  it('[5] refuses overlapping intervals in one day', () => {
    const perDay = {
      mode: 'per-day',
      timezone: 'UTC',
      days: {
        wed: [
          { start: '13:00', end: '17:00' },
          { start: '09:00', end: '13:01' },
        ],
      },
    }
    const r = validateCalendar(perDay)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.field).toBe('days.wed.0')
    expect(r.error.message).toContain('overlaps')
    // touching intervals are fine
    const touching = {
      ...perDay,
      days: {
        wed: [
          { start: '09:00', end: '13:00' },
          { start: '13:00', end: '17:00' },
        ],
      },
    }
    expect(validateCalendar(touching).ok).toBe(true)
  })

  it('[5] refuses an unknown timezone', () => {
    expect(fieldOf({ ...weekdays, timezone: 'Mars/Olympus_Mons' })).toBe('timezone')
    expect(fieldOf({ ...weekdays, timezone: '' })).toBe('timezone')
  })

  it('[5] refuses a malformed or impossible holiday date', () => {
    expect(fieldOf({ ...weekdays, holidays: ['2025-12-25', '25/12/2025'] })).toBe('holidays.1')
    expect(fieldOf({ ...weekdays, holidays: ['2025-02-29'] })).toBe('holidays.0')
    expect(validateCalendar({ ...weekdays, holidays: ['2024-02-29'] }).ok).toBe(true)
  })

  it('[5] refuses malformed times; 24:00 only works as an end', () => {
    expect(fieldOf({ ...weekdays, start: '9:00' })).toBe('start')
    expect(fieldOf({ ...weekdays, end: '24:01' })).toBe('end')
    expect(validateCalendar({ ...weekdays, end: '24:00' }).ok).toBe(true)
    expect(fieldOf({ ...weekdays, start: '24:00', end: '24:00' })).toBe('end')
  })

  it('refuses an unknown mode, unknown fields, a calendar with no working time', () => {
    expect(fieldOf({ ...weekdays, mode: 'sometimes' })).toBe('mode')
    expect(fieldOf({ ...weekdays, lunch: true })).toBe('lunch')
    expect(fieldOf({ ...weekdays, workingDays: [] })).toBe('workingDays')
    expect(fieldOf({ ...weekdays, workingDays: ['mon', 'mon'] })).toBe('workingDays')
    expect(fieldOf({ mode: 'per-day', timezone: 'UTC', days: { mon: [] } })).toBe('days')
    expect(fieldOf(null)).toBeUndefined()
  })
})

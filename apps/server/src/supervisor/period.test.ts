import { describe, expect, it } from 'vitest'
import { HttpError } from '../errors.js'
import { resolvePeriod, startOfLocalDay } from './period.js'

const NOW = new Date('2031-11-23T10:00:00.000Z')

describe('metrics periods in the space timezone', () => {
  it('[8.2.5] a local day starts at local midnight, across offsets and daylight saving', () => {
    expect(startOfLocalDay('Europe/London', { year: 2031, month: 7, day: 1 }).toISOString()).toBe(
      '2031-06-30T23:00:00.000Z',
    )
    expect(startOfLocalDay('Asia/Kolkata', { year: 2031, month: 11, day: 20 }).toISOString()).toBe(
      '2031-11-19T18:30:00.000Z',
    )
    expect(
      startOfLocalDay('America/New_York', { year: 2031, month: 11, day: 20 }).toISOString(),
    ).toBe('2031-11-20T05:00:00.000Z')
  })

  it('[8.2.5] the day clocks go forward has 23 hourly buckets, the day they go back 25', () => {
    // London: 2031-03-30 01:00 GMT becomes 02:00 BST; 2031-10-26 02:00 BST becomes 01:00 GMT
    const spring = resolvePeriod({ from: '2031-03-30', to: '2031-03-30' }, 'Europe/London', NOW)
    expect(spring.bucket).toBe('hour')
    expect(spring.from.toISOString()).toBe('2031-03-30T00:00:00.000Z')
    expect(spring.to.toISOString()).toBe('2031-03-30T23:00:00.000Z')
    expect(spring.bounds).toHaveLength(23 + 1)
    const autumn = resolvePeriod({ from: '2031-10-26', to: '2031-10-26' }, 'Europe/London', NOW)
    expect(autumn.bounds).toHaveLength(25 + 1)
  })

  it('[8.2.5] longer periods have one bucket per local day, each starting at local midnight', () => {
    const week = resolvePeriod({ from: '2031-03-28', to: '2031-04-03' }, 'Europe/London', NOW)
    expect(week.bucket).toBe('day')
    expect(week.bounds.map((b) => b.toISOString())).toEqual([
      '2031-03-28T00:00:00.000Z',
      '2031-03-29T00:00:00.000Z',
      '2031-03-30T00:00:00.000Z',
      // from here British Summer Time: local midnight is 23:00 UTC the evening before
      '2031-03-30T23:00:00.000Z',
      '2031-03-31T23:00:00.000Z',
      '2031-04-01T23:00:00.000Z',
      '2031-04-02T23:00:00.000Z',
      '2031-04-03T23:00:00.000Z',
    ])
  })

  it('[8.2.5] by default: the last 7 local days, today included', () => {
    const period = resolvePeriod({}, 'America/New_York', NOW)
    // 10:00 UTC is 05:00 in New York on the 23rd: the week runs 17th to 23rd, New York days
    expect(period.from.toISOString()).toBe('2031-11-17T05:00:00.000Z')
    expect(period.to.toISOString()).toBe('2031-11-24T05:00:00.000Z')
    expect(period.bounds).toHaveLength(7 + 1)
  })

  it('[8.2.7] refuses days that do not exist, empty and over-long periods, naming the bound', () => {
    const field = (query: { from?: string; to?: string }) => {
      try {
        resolvePeriod(query, 'UTC', NOW)
        return null
      } catch (error) {
        return error instanceof HttpError ? error.body.field : 'not an HttpError'
      }
    }
    expect(field({ from: '2031-02-29' })).toBe('from')
    expect(field({ to: '2031-13-01' })).toBe('to')
    expect(field({ from: '2031-11-23', to: '2031-11-22' })).toBe('from')
    expect(field({ from: '2030-01-01', to: '2031-11-22' })).toBe('to')
    expect(field({ from: '2031-11-20T10:00:00Z', to: '2031-11-20T10:00:00Z' })).toBe('from')
  })
})

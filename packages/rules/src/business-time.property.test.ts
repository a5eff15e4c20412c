import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addBusinessMinutes, businessMinutesBetween } from './business-time.js'
import { calendarArb, instantArb, weeklyMinutes, ZONES } from './test/arbitraries.js'
import { referenceAddBusinessMs, referenceBusinessMs } from './test/reference.js'

const MINUTE = 60_000
const RUNS = { numRuns: 1000 }

/** A count of business minutes up to three weeks' worth of the calendar. */
function minutesArb(weekly: number) {
  return fc.oneof(
    fc.integer({ min: 0, max: 3 * weekly }),
    // fractions of a minute: the arithmetic is exact to the millisecond
    fc.integer({ min: 0, max: 3 * weekly * MINUTE }).map((ms) => ms / MINUTE),
  )
}

const calendarAndMinutes = calendarArb.chain((calendar) =>
  fc.record({
    calendar: fc.constant(calendar),
    from: instantArb,
    minutes: minutesArb(weeklyMinutes(calendar)),
  }),
)

describe('business time against the walking reference', () => {
  it('[5] addBusinessMinutes agrees with the reference', () => {
    fc.assert(
      fc.property(calendarAndMinutes, ({ calendar, from, minutes }) => {
        const ms = Math.round(minutes * MINUTE)
        expect(addBusinessMinutes(calendar, new Date(from), minutes).getTime()).toBe(
          referenceAddBusinessMs(calendar, from, ms),
        )
      }),
      RUNS,
    )
  })

  it('[5] businessMinutesBetween agrees with the reference', () => {
    fc.assert(
      fc.property(
        calendarArb,
        instantArb,
        fc.integer({ min: 0, max: 21 * 86_400_000 }),
        (calendar, from, span) => {
          expect(businessMinutesBetween(calendar, new Date(from), new Date(from + span))).toBe(
            referenceBusinessMs(calendar, from, from + span) / MINUTE,
          )
        },
      ),
      RUNS,
    )
  })
})

describe('business time laws', () => {
  it('[5] businessMinutesBetween(from, addBusinessMinutes(from, n)) === n', () => {
    fc.assert(
      fc.property(calendarAndMinutes, ({ calendar, from, minutes }) => {
        const start = new Date(from)
        const due = addBusinessMinutes(calendar, start, minutes)
        expect(businessMinutesBetween(calendar, start, due)).toBe(
          Math.round(minutes * MINUTE) / MINUTE,
        )
        // and nothing earlier would do
        if (minutes > 0) {
          expect(businessMinutesBetween(calendar, start, new Date(due.getTime() - 1))).toBeLessThan(
            minutes,
          )
        }
      }),
      RUNS,
    )
  })

  it('[5] both are monotonic', () => {
    fc.assert(
      fc.property(
        calendarArb,
        instantArb,
        fc.nat({ max: 20_000 }),
        fc.nat({ max: 20_000 }),
        (calendar, from, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a]
          const start = new Date(from)
          expect(addBusinessMinutes(calendar, start, low).getTime()).toBeLessThanOrEqual(
            addBusinessMinutes(calendar, start, high).getTime(),
          )
          const near = businessMinutesBetween(calendar, start, new Date(from + low * MINUTE))
          const far = businessMinutesBetween(calendar, start, new Date(from + high * MINUTE))
          expect(near).toBeLessThanOrEqual(far)
          expect(near).toBeGreaterThanOrEqual(0)
        },
      ),
      RUNS,
    )
  })

  it('[5] business minutes add up over a split point, in any order', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, instantArb, (calendar, a, b, c) => {
        const [x, y, z] = [new Date(a), new Date(b), new Date(c)]
        const whole = businessMinutesBetween(calendar, x, z)
        const parts =
          businessMinutesBetween(calendar, x, y) + businessMinutesBetween(calendar, y, z)
        // minutes are ms / 60000: compare in ms, where the sums are exact integers
        expect(Math.round(parts * MINUTE) === Math.round(whole * MINUTE)).toBe(true)
        expect(businessMinutesBetween(calendar, z, x) + whole).toBe(0)
      }),
      RUNS,
    )
  })

  it('[5] adding in two steps is adding once', () => {
    fc.assert(
      fc.property(
        calendarArb,
        instantArb,
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 10_000 }),
        (calendar, from, a, b) => {
          const start = new Date(from)
          const once = addBusinessMinutes(calendar, start, a + b)
          const twice = addBusinessMinutes(calendar, addBusinessMinutes(calendar, start, a), b)
          expect(twice.getTime()).toBe(once.getTime())
        },
      ),
      RUNS,
    )
  })

  it('[5] an always calendar counts wall-clock time, in every timezone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        instantArb,
        instantArb,
        fc.nat({ max: 2_000_000 }),
        (timezone, from, to, minutes) => {
          const always = { mode: 'always', timezone } as const
          expect(addBusinessMinutes(always, new Date(from), minutes).getTime()).toBe(
            from + minutes * MINUTE,
          )
          expect(businessMinutesBetween(always, new Date(from), new Date(to))).toBe(
            (to - from) / MINUTE,
          )
          // the reference walks: a day of it is enough to show it agrees
          const day = Math.min(Math.abs(to - from), 86_400_000)
          expect(referenceBusinessMs(always, from, from + day)).toBe(day)
        },
      ),
      RUNS,
    )
  })
})

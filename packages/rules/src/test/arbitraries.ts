// fast-check generators shared by the property tests.
import type { BusinessCalendar, TimeInterval, Weekday } from '@flare/protocol'
import fc from 'fast-check'

export const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'UTC',
] as const
const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

const FROM = Date.UTC(2021, 0, 1)
const TO = Date.UTC(2029, 0, 1)
// a few daylight-saving changes of the zones above, to aim instants at
const TRANSITIONS = [
  '2024-03-10T07:00Z', // New York, spring
  '2024-11-03T06:00Z', // New York, autumn
  '2025-03-30T01:00Z', // London, spring
  '2025-10-26T01:00Z', // London, autumn
  '2024-04-06T15:00Z', // Lord Howe, back to +10:30
  '2024-10-05T15:30Z', // Lord Howe, forward to +11
  '2026-12-31T13:00Z', // a year end in Lord Howe
].map(Date.parse)

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function timeOf(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
}

/** Minutes of a day, biased towards the hours clocks jump at and the ends of the day. */
const minuteOfDay = fc.oneof(
  fc.integer({ min: 0, max: 1440 }),
  fc.constantFrom(0, 60, 90, 120, 150, 180, 540, 1020, 1440),
)

/** 1-3 disjoint intervals: sorted distinct cut points taken in pairs. */
const dayIntervals: fc.Arbitrary<TimeInterval[]> = fc
  .uniqueArray(minuteOfDay, { minLength: 2, maxLength: 6 })
  .map((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b)
    const intervals: TimeInterval[] = []
    for (let i = 0; i + 1 < sorted.length; i += 2) {
      intervals.push({ start: timeOf(sorted[i]!), end: timeOf(sorted[i + 1]!) })
    }
    return intervals
  })

const holidays = fc.uniqueArray(
  fc
    .integer({ min: FROM / 86_400_000, max: TO / 86_400_000 })
    .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10)),
  { maxLength: 40 },
)

const sameCalendar: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    workingDays: fc.subarray(DAYS, { minLength: 1 }),
    interval: dayIntervals.map((intervals) => intervals[0]!),
    holidays,
  })
  .map(({ timezone, workingDays, interval, holidays }) => ({
    mode: 'same' as const,
    timezone,
    workingDays,
    start: interval.start,
    end: interval.end,
    holidays,
  }))

const perDayCalendar: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    days: fc.record(
      Object.fromEntries(DAYS.map((day) => [day, dayIntervals])) as Record<
        Weekday,
        fc.Arbitrary<TimeInterval[]>
      >,
      { requiredKeys: ['wed'] },
    ),
    holidays,
  })
  .map(({ timezone, days, holidays }) => ({ mode: 'per-day' as const, timezone, days, holidays }))

/** Calendars of every mode; most are not 24/7. */
export const calendarArb: fc.Arbitrary<BusinessCalendar> = fc.oneof(
  { weight: 4, arbitrary: sameCalendar },
  { weight: 4, arbitrary: perDayCalendar },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...ZONES)
      .map((timezone) => ({ mode: 'always' as const, timezone }) as BusinessCalendar),
  },
)

/** Instants over eight years to the millisecond, often within days of a clock change. */
export const instantArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc
    .record({
      at: fc.constantFrom(...TRANSITIONS),
      delta: fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
    })
    .map(({ at, delta }) => at + delta),
)

/** Nominal business minutes a week, ignoring holidays and clock changes. */
export function weeklyMinutes(calendar: BusinessCalendar): number {
  const length = (i: TimeInterval) =>
    Number(i.end.slice(0, 2)) * 60 +
    Number(i.end.slice(3)) -
    Number(i.start.slice(0, 2)) * 60 -
    Number(i.start.slice(3))
  if (calendar.mode === 'always') return 7 * 1440
  if (calendar.mode === 'same') return calendar.workingDays.length * length(calendar)
  return Object.values(calendar.days).reduce(
    (sum, intervals) => sum + (intervals ?? []).reduce((s, i) => s + length(i), 0),
    0,
  )
}

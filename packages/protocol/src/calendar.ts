import { type Static, Type } from '@sinclair/typebox'
import { ErrorCode } from './result.js'
import { Text } from './text.js'
import { type Parsed, parse } from './validate.js'

/** Days of the week as calendars name them, Monday first as contact centres plan them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export const Weekday = Type.Union(WEEKDAYS.map((day) => Type.Literal(day)))
export type Weekday = (typeof WEEKDAYS)[number]

/** Local wall-clock time `HH:MM`; `24:00` is allowed so an interval can run to midnight. */
export const TimeOfDay = Type.String({ pattern: '^(?:(?:[01]\\d|2[0-3]):[0-5]\\d|24:00)$' })

/** One working interval of a local day, `start` inclusive, `end` exclusive. */
export const TimeInterval = Type.Object(
  { start: TimeOfDay, end: TimeOfDay },
  { additionalProperties: false },
)
export type TimeInterval = Static<typeof TimeInterval>

/** A local calendar date `YYYY-MM-DD` (checked for being a real date by `validateCalendar`). */
export const CalendarDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })

const Timezone = Text({ minLength: 1, maxLength: 64, description: 'IANA timezone name' })
const Holidays = Type.Array(CalendarDate, {
  maxItems: 1000,
  description: 'Local dates on which no minute counts (ignored by `always`). Default: none.',
})

/** 24/7: every minute counts. Holidays may stay listed (switching modes loses nothing) but do not apply. */
export const AlwaysCalendar = Type.Object(
  { mode: Type.Literal('always'), timezone: Timezone, holidays: Type.Optional(Holidays) },
  { additionalProperties: false },
)

/** The same hours on each chosen working day. */
export const SameHoursCalendar = Type.Object(
  {
    mode: Type.Literal('same'),
    timezone: Timezone,
    workingDays: Type.Array(Weekday, { minItems: 1, uniqueItems: true }),
    start: TimeOfDay,
    end: TimeOfDay,
    holidays: Type.Optional(Holidays),
  },
  { additionalProperties: false },
)

const DayIntervals = Type.Array(TimeInterval, { maxItems: 12 })

/** Each working day with its own intervals (split shifts); a missing or empty day is closed. */
export const PerDayCalendar = Type.Object(
  {
    mode: Type.Literal('per-day'),
    timezone: Timezone,
    days: Type.Object(
      {
        mon: Type.Optional(DayIntervals),
        tue: Type.Optional(DayIntervals),
        wed: Type.Optional(DayIntervals),
        thu: Type.Optional(DayIntervals),
        fri: Type.Optional(DayIntervals),
        sat: Type.Optional(DayIntervals),
        sun: Type.Optional(DayIntervals),
      },
      { additionalProperties: false },
    ),
    holidays: Type.Optional(Holidays),
  },
  { additionalProperties: false },
)

/**
 * Which minutes count for escalation timers (SPEC §5). Plain JSON; hours are local
 * wall-clock time in `timezone`.
 */
export const BusinessCalendar = Type.Union([AlwaysCalendar, SameHoursCalendar, PerDayCalendar])
export type AlwaysCalendar = Static<typeof AlwaysCalendar>
export type SameHoursCalendar = Static<typeof SameHoursCalendar>
export type PerDayCalendar = Static<typeof PerDayCalendar>
export type BusinessCalendar = Static<typeof BusinessCalendar>

const schemaByMode = {
  always: AlwaysCalendar,
  same: SameHoursCalendar,
  'per-day': PerDayCalendar,
} as const

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
}

function isRealDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const probe = new Date(Date.UTC(y, m - 1, d))
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d
}

function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

function refuse(field: string, message: string): Parsed<never> {
  return {
    ok: false,
    error: { code: ErrorCode.VALIDATION, message: `${field}: ${message}`, field },
  }
}

function checkIntervals(intervals: readonly TimeInterval[], field: string): Parsed<never> | null {
  const sorted = intervals
    .map((interval, index) => ({
      index,
      start: minutesOf(interval.start),
      end: minutesOf(interval.end),
    }))
    .sort((a, b) => a.start - b.start)
  for (const { index, start, end } of sorted) {
    if (end <= start) return refuse(`${field}.${index}.end`, 'end must be after start')
  }
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!
    const current = sorted[i]!
    if (current.start < previous.end) {
      return refuse(
        `${field}.${current.index}`,
        `overlaps the interval ${intervals[previous.index]!.start}–${intervals[previous.index]!.end}`,
      )
    }
  }
  return null
}

/**
 * Checks an untrusted business calendar: its shape, then what a schema cannot say (an
 * interval that ends before it starts, overlapping intervals, an unknown timezone, a date
 * that does not exist). The offending field is named, dotted.
 *
 * @example
 * const r = validateCalendar(body)
 * if (!r.ok) return reply.code(400).send({ error: r.error }) // e.g. field 'days.mon.1'
 */
export function validateCalendar(input: unknown): Parsed<BusinessCalendar> {
  const mode =
    typeof input === 'object' && input !== null ? (input as { mode?: unknown }).mode : undefined
  if (typeof mode !== 'string' || !Object.hasOwn(schemaByMode, mode)) {
    if (typeof input !== 'object' || input === null) return parse(BusinessCalendar, input)
    return refuse('mode', "must be one of 'same', 'per-day', 'always'")
  }
  const shape = parse(schemaByMode[mode as keyof typeof schemaByMode], input)
  if (!shape.ok) return shape
  const calendar: BusinessCalendar = shape.value
  if (!isKnownTimezone(calendar.timezone)) {
    return refuse('timezone', `unknown IANA timezone '${calendar.timezone}'`)
  }
  const holidays = calendar.holidays ?? []
  for (const [index, date] of holidays.entries()) {
    if (!isRealDate(date)) return refuse(`holidays.${index}`, `'${date}' is not a real date`)
  }
  if (calendar.mode === 'same') {
    if (minutesOf(calendar.end) <= minutesOf(calendar.start)) {
      return refuse('end', 'end must be after start')
    }
  } else if (calendar.mode === 'per-day') {
    let open = false
    for (const day of WEEKDAYS) {
      const intervals = calendar.days[day] ?? []
      const problem = checkIntervals(intervals, `days.${day}`)
      if (problem) return problem
      if (intervals.length > 0) open = true
    }
    // a calendar with no working time would make every timer wait forever
    if (!open) return refuse('days', 'at least one day needs a working interval')
  }
  return { ok: true, value: calendar }
}

import type { BusinessCalendar } from '@flare/protocol'
import { DAY_MS, MINUTE_MS, offsetSpans, type Zone, zoneFor } from './zone.js'

const WEEK_MS = 7 * DAY_MS
/** Local day numbers count from 1970-01-01, a Thursday; JS weekdays count from Sunday. */
const WEEKDAY_INDEX = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const

/**
 * The business time of one UTC week [k·7d, (k+1)·7d): its working intervals as UTC
 * instants, flat `[start0, end0, start1, end1, …]`, ascending and disjoint, and their sum.
 */
interface Week {
  intervals: Float64Array
  total: number
}

interface CompiledCalendar {
  /** null = every minute counts */
  zone: Zone | null
  /** Working intervals of each weekday (0 = Sunday) as [start, end) ms after local midnight. */
  hours: number[][]
  /** Holidays as local day numbers. */
  holidays: Set<number>
  weeks: Map<number, Week>
}

const WALL_CLOCK: CompiledCalendar = {
  zone: null,
  hours: [],
  holidays: new Set(),
  weeks: new Map(),
}
const byObject = new WeakMap<object, CompiledCalendar>()
// calendars usually arrive as fresh objects parsed from the database: recognise them by content
const byContent = new Map<string, CompiledCalendar>()
const MAX_CACHED_CALENDARS = 512
const MAX_CACHED_WEEKS = 20_000

function msOfTime(time: string): number {
  return (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) * MINUTE_MS
}

function dayNumberOf(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return null
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS
}

function compileCalendar(calendar: BusinessCalendar): CompiledCalendar {
  if (calendar.mode === 'always') return WALL_CLOCK
  const hours: number[][] = [[], [], [], [], [], [], []]
  if (calendar.mode === 'same') {
    for (const day of calendar.workingDays) {
      hours[WEEKDAY_INDEX[day]] = [msOfTime(calendar.start), msOfTime(calendar.end)]
    }
  } else {
    for (const [day, intervals] of Object.entries(calendar.days)) {
      const flat = [...(intervals ?? [])]
        .sort((a, b) => msOfTime(a.start) - msOfTime(b.start))
        .flatMap((interval) => [msOfTime(interval.start), msOfTime(interval.end)])
      hours[WEEKDAY_INDEX[day as keyof typeof WEEKDAY_INDEX]] = flat
    }
  }
  if (!hours.some((day) => day.length > 0)) {
    throw new RangeError('the calendar has no working hours on any day')
  }
  const holidays = new Set<number>()
  for (const date of calendar.holidays ?? []) {
    const day = dayNumberOf(date)
    if (day !== null) holidays.add(day)
  }
  return { zone: zoneFor(calendar.timezone), hours, holidays, weeks: new Map() }
}

function compiledFor(calendar: BusinessCalendar | null): CompiledCalendar {
  if (calendar === null) return WALL_CLOCK
  let compiled = byObject.get(calendar)
  if (!compiled) {
    const key = JSON.stringify(calendar)
    compiled = byContent.get(key)
    if (!compiled) {
      compiled = compileCalendar(calendar)
      if (byContent.size >= MAX_CACHED_CALENDARS) byContent.clear()
      byContent.set(key, compiled)
    }
    byObject.set(calendar, compiled)
  }
  return compiled
}

// A minute counts when the local wall clock shows a working time of a working day: so a
// wall-clock time that happens twice (autumn) counts twice, and one that never happens
// (spring) counts not at all. Within each span of constant offset that is plain arithmetic.
function buildWeek(calendar: CompiledCalendar, zone: Zone, index: number): Week {
  const weekStart = index * WEEK_MS
  const flat: number[] = []
  for (const span of offsetSpans(zone, weekStart, weekStart + WEEK_MS)) {
    const localStart = span.start + span.offset
    const localEnd = span.end + span.offset
    const lastDay = Math.floor((localEnd - 1) / DAY_MS)
    for (let day = Math.floor(localStart / DAY_MS); day <= lastDay; day++) {
      if (calendar.holidays.has(day)) continue
      const hours = calendar.hours[(((day + 4) % 7) + 7) % 7]!
      const midnight = day * DAY_MS
      for (let i = 0; i < hours.length; i += 2) {
        const start = Math.max(midnight + hours[i]!, localStart) - span.offset
        const end = Math.min(midnight + hours[i + 1]!, localEnd) - span.offset
        if (end <= start) continue
        // join touching intervals (a shift running past midnight, or across a transition)
        if (flat.length > 0 && flat[flat.length - 1] === start) flat[flat.length - 1] = end
        else flat.push(start, end)
      }
    }
  }
  let total = 0
  for (let i = 0; i < flat.length; i += 2) total += flat[i + 1]! - flat[i]!
  return { intervals: Float64Array.from(flat), total }
}

function weekOf(calendar: CompiledCalendar, zone: Zone, index: number): Week {
  let week = calendar.weeks.get(index)
  if (!week) {
    if (calendar.weeks.size >= MAX_CACHED_WEEKS) calendar.weeks.clear()
    week = buildWeek(calendar, zone, index)
    calendar.weeks.set(index, week)
  }
  return week
}

/** Business ms of `week` within [from, to). */
function businessMsWithin(week: Week, from: number, to: number): number {
  const { intervals } = week
  let sum = 0
  for (let i = 0; i < intervals.length; i += 2) {
    const start = Math.max(intervals[i]!, from)
    const end = Math.min(intervals[i + 1]!, to)
    if (end > start) sum += end - start
  }
  return sum
}

/** Business ms in [from, to) for from ≤ to. */
function businessMsForward(calendar: CompiledCalendar, from: number, to: number): number {
  const zone = calendar.zone
  if (zone === null) return to - from
  const first = Math.floor(from / WEEK_MS)
  const last = Math.floor(to / WEEK_MS)
  if (first === last) return businessMsWithin(weekOf(calendar, zone, first), from, to)
  let sum = businessMsWithin(weekOf(calendar, zone, first), from, Number.POSITIVE_INFINITY)
  // whole weeks count by their totals
  for (let index = first + 1; index < last; index++) sum += weekOf(calendar, zone, index).total
  return sum + businessMsWithin(weekOf(calendar, zone, last), Number.NEGATIVE_INFINITY, to)
}

/**
 * The earliest instant at which `amount` business ms have passed since `from` (ms epoch).
 * Shared with the evaluator, which works in ms throughout.
 */
export function addBusinessMs(
  calendar: BusinessCalendar | null,
  from: number,
  amount: number,
): number {
  const compiled = compiledFor(calendar)
  const zone = compiled.zone
  if (zone === null || amount === 0) return from + amount
  let need = amount
  let index = Math.floor(from / WEEK_MS)
  for (;;) {
    const week = weekOf(compiled, zone, index)
    const whole = from === index * WEEK_MS
    if (whole && need > week.total) {
      // closed form: a whole week that cannot finish the count is skipped by its total
      need -= week.total
    } else {
      const { intervals } = week
      for (let i = 0; i < intervals.length; i += 2) {
        const end = intervals[i + 1]!
        if (end <= from) continue
        const start = Math.max(intervals[i]!, from)
        const available = end - start
        if (need <= available) return start + need
        need -= available
      }
    }
    index++
    from = index * WEEK_MS
  }
}

/** Business ms between two instants (ms epoch), negative when `to` is before `from`. */
export function businessMsBetween(
  calendar: BusinessCalendar | null,
  from: number,
  to: number,
): number {
  const compiled = compiledFor(calendar)
  // `0 - x` rather than `-x`: never answer -0
  return from <= to
    ? businessMsForward(compiled, from, to)
    : 0 - businessMsForward(compiled, to, from)
}

function instantOf(date: Date, name: string): number {
  const ms = date.getTime()
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid Date`)
  return ms
}

/**
 * Business minutes between two instants under `calendar` (`null` = every minute counts),
 * to the millisecond, so the result may be fractional; negative when `to` is before `from`.
 * Throws RangeError for an unknown timezone or a calendar with no working hours.
 *
 * @example
 * const weekdays = { mode: 'same', timezone: 'Europe/London', workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } as const
 * businessMinutesBetween(weekdays, new Date('2025-06-06T15:00Z'), new Date('2025-06-09T08:00Z')) // → 60 (Fri 16:00–17:00 BST)
 */
export function businessMinutesBetween(
  calendar: BusinessCalendar | null,
  from: Date,
  to: Date,
): number {
  return businessMsBetween(calendar, instantOf(from, 'from'), instantOf(to, 'to')) / MINUTE_MS
}

/**
 * The earliest instant at which `minutes` business minutes have passed since `from`
 * (`from` itself for 0). A count that ends exactly at closing time gives the closing
 * instant, not the next opening. `minutes` may be fractional (ms precision). Throws
 * RangeError for a negative or non-finite `minutes`, an unknown timezone, or a calendar
 * with no working hours.
 *
 * @example
 * const weekdays = { mode: 'same', timezone: 'America/New_York', workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } as const
 * addBusinessMinutes(weekdays, new Date('2025-01-10T22:00Z'), 60) // Fri 17:00 EST → Mon 10:00 EST, 2025-01-13T15:00Z
 */
export function addBusinessMinutes(
  calendar: BusinessCalendar | null,
  from: Date,
  minutes: number,
): Date {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError('minutes must be a finite number, 0 or more')
  }
  return new Date(addBusinessMs(calendar, instantOf(from, 'from'), Math.round(minutes * MINUTE_MS)))
}

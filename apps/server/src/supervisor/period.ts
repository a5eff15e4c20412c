import { badRequest } from '../errors.js'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
/** Periods of this length or less are charted by the hour, longer ones by the local day. */
export const HOURLY_UP_TO_MS = 2 * DAY_MS
/** The longest period one request may ask for. */
export const MAX_PERIOD_DAYS = 400
/** The default period: the last 7 local days, today included. */
export const DEFAULT_DAYS = 7

/** A metrics period: `[from, to)` and the bucket bounds of its charts. */
export interface Period {
  from: Date
  to: Date
  bucket: 'hour' | 'day'
  /** Each bucket's start, then the period's end: `bounds.length - 1` buckets. */
  bounds: Date[]
}

interface LocalDate {
  year: number
  month: number
  day: number
}

const formats = new Map<string, Intl.DateTimeFormat>()
function formatFor(timezone: string): Intl.DateTimeFormat {
  let format = formats.get(timezone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formats.set(timezone, format)
  }
  return format
}

/** The wall-clock reading of `at` in `timezone`, as if it were UTC (ms). */
function wallClock(timezone: string, at: number): number {
  const parts: Record<string, number> = {}
  for (const part of formatFor(timezone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
}

/** The local date of an instant in `timezone`. */
export function localDateOf(timezone: string, at: Date): LocalDate {
  const wall = new Date(wallClock(timezone, at.getTime()))
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() }
}

/**
 * The instant a local date's day begins in `timezone` (its midnight, or the first instant after
 * a midnight that a daylight-saving change skipped).
 *
 * @example
 * startOfLocalDay('Europe/London', { year: 2026, month: 7, day: 1 }) // 2026-06-30T23:00:00Z
 */
export function startOfLocalDay(timezone: string, date: LocalDate): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day)
  // the offset at the guess, then at the answer: right on both sides of a change
  let utc = wall - (wallClock(timezone, wall) - wall)
  utc = wall - (wallClock(timezone, utc) - utc)
  // a skipped midnight lands before the day began: the day begins at the first later instant
  const reached = localDateOf(timezone, new Date(utc))
  if (Date.UTC(reached.year, reached.month - 1, reached.day) < wall) utc += HOUR_MS
  return new Date(utc)
}

function addDays(date: LocalDate, days: number): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }
}

function parseLocalDate(value: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return null
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day))
  return check.getUTCMonth() === date.month - 1 && check.getUTCDate() === date.day ? date : null
}

/** One bound: a local date (its start, or for `to` its end) or an instant with its offset. */
function parseBound(value: string, timezone: string, side: 'from' | 'to'): Date {
  // Date would roll 2031-02-30 over to March: a day that does not exist is refused
  const date = parseLocalDate(value.slice(0, 10))
  if (!date) throw badRequest(`${side}: ${value.slice(0, 10)} is not a date`, side)
  if (value.length === 10) {
    return startOfLocalDay(timezone, side === 'from' ? date : addDays(date, 1))
  }
  const at = new Date(value)
  if (Number.isNaN(at.getTime())) throw badRequest(`${side}: not a date or an instant`, side)
  return at
}

/**
 * The period a metrics request asks for, in the space's timezone: `from` and `to` as local
 * dates (both days included) or instants; by default the last 7 local days, today included.
 * Periods of two days or less are charted by the hour, longer ones by the local day (a day
 * across a daylight-saving change is 23 or 25 hours long).
 */
export function resolvePeriod(
  query: { from?: string | undefined; to?: string | undefined },
  timezone: string,
  now: Date,
): Period {
  const today = localDateOf(timezone, now)
  const to = query.to
    ? parseBound(query.to, timezone, 'to')
    : startOfLocalDay(timezone, addDays(today, 1))
  const from = query.from
    ? parseBound(query.from, timezone, 'from')
    : startOfLocalDay(
        timezone,
        addDays(localDateOf(timezone, new Date(to.getTime() - 1)), 1 - DEFAULT_DAYS),
      )
  if (from.getTime() >= to.getTime()) throw badRequest('from: must be before to', 'from')
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw badRequest(`to: a period is at most ${MAX_PERIOD_DAYS} days`, 'to')
  }
  const bounds: Date[] = [from]
  if (to.getTime() - from.getTime() <= HOURLY_UP_TO_MS) {
    for (let at = from.getTime() + HOUR_MS; at < to.getTime(); at += HOUR_MS) {
      bounds.push(new Date(at))
    }
    bounds.push(to)
    return { from, to, bucket: 'hour', bounds }
  }
  let day = addDays(localDateOf(timezone, from), 1)
  for (;;) {
    const start = startOfLocalDay(timezone, day)
    if (start.getTime() >= to.getTime()) break
    bounds.push(start)
    day = addDays(day, 1)
  }
  bounds.push(to)
  return { from, to, bucket: 'day', bounds }
}

import { type BusinessCalendar, type TimeInterval, WEEKDAYS, type Weekday } from '@flare/protocol'

/**
 * What the business hours form edits: every mode's fields at once, so switching modes and
 * back loses nothing. `toCalendar` keeps only the chosen mode's.
 */
export interface CalendarDraft {
  mode: BusinessCalendar['mode']
  timezone: string
  workingDays: Weekday[]
  start: string
  end: string
  /** per-day: each open day's intervals; a day absent or empty is closed. */
  days: Partial<Record<Weekday, TimeInterval[]>>
  holidays: string[]
}

export const WEEKDAY_LABEL: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
}

const WEEK: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri']

export function defaultCalendar(timezone: string): BusinessCalendar {
  return { mode: 'same', timezone, workingDays: WEEK, start: '09:00', end: '17:00', holidays: [] }
}

export function draftOf(calendar: BusinessCalendar): CalendarDraft {
  const base: CalendarDraft = {
    mode: calendar.mode,
    timezone: calendar.timezone,
    workingDays: WEEK,
    start: '09:00',
    end: '17:00',
    days: {},
    holidays: [...(calendar.holidays ?? [])],
  }
  if (calendar.mode === 'same') {
    return {
      ...base,
      workingDays: [...calendar.workingDays],
      start: calendar.start,
      end: calendar.end,
      days: Object.fromEntries(
        calendar.workingDays.map((d) => [d, [{ start: calendar.start, end: calendar.end }]]),
      ),
    }
  }
  if (calendar.mode === 'per-day') {
    const days = Object.fromEntries(
      WEEKDAYS.filter((d) => (calendar.days[d] ?? []).length > 0).map((d) => [
        d,
        calendar.days[d]!.map((i) => ({ ...i })),
      ]),
    )
    const open = WEEKDAYS.filter((d) => days[d])
    const first = days[open[0] ?? 'mon']?.[0]
    return {
      ...base,
      days,
      workingDays: open.length > 0 ? open : WEEK,
      start: first?.start ?? '09:00',
      end: first?.end ?? '17:00',
    }
  }
  return {
    ...base,
    days: Object.fromEntries(WEEK.map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
  }
}

/** Switching to per-day starts from the same-hours days when there is nothing per day yet. */
export function switchMode(draft: CalendarDraft, mode: CalendarDraft['mode']): CalendarDraft {
  if (mode === 'per-day' && Object.values(draft.days).every((d) => !d || d.length === 0)) {
    return {
      ...draft,
      mode,
      days: Object.fromEntries(
        draft.workingDays.map((d) => [d, [{ start: draft.start, end: draft.end }]]),
      ),
    }
  }
  return { ...draft, mode }
}

export function toCalendar(draft: CalendarDraft): BusinessCalendar {
  const holidays = [...draft.holidays].sort()
  if (draft.mode === 'always') return { mode: 'always', timezone: draft.timezone, holidays }
  if (draft.mode === 'same') {
    return {
      mode: 'same',
      timezone: draft.timezone,
      workingDays: WEEKDAYS.filter((d) => draft.workingDays.includes(d)),
      start: draft.start,
      end: draft.end,
      holidays,
    }
  }
  const days: Partial<Record<Weekday, TimeInterval[]>> = {}
  for (const d of WEEKDAYS) {
    const intervals = draft.days[d]
    if (intervals && intervals.length > 0) days[d] = intervals
  }
  return { mode: 'per-day', timezone: draft.timezone, days, holidays }
}

/** Two calendars that mean the same (key order and holiday order aside). */
export function sameCalendar(a: BusinessCalendar, b: BusinessCalendar): boolean {
  return canonical(a) === canonical(b)
}

function canonical(calendar: BusinessCalendar): string {
  const c = toCalendar(draftOf(calendar))
  return JSON.stringify(c, Object.keys(c).sort().concat(WEEKDAYS, ['start', 'end']))
}

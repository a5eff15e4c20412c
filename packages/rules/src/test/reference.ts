// Slow, obviously-correct references the engine is checked against (tests and the
// benchmark only). They share no code with the engine: they ask Intl for the offset
// afresh on every step and walk time forward, piece by piece.
import type { BusinessCalendar } from '@flare/protocol'
import { matchesRule } from '../conditions.js'
import type { EvaluableRule, TicketSnapshot } from '../ticket.js'

const MINUTE = 60_000
const DAY = 86_400_000
const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const

const formats = new Map<string, Intl.DateTimeFormat>()

/** UTC offset (ms) at `utc`, read from Intl's `longOffset` name ("GMT+10:30"). */
export function referenceOffset(timezone: string, utc: number): number {
  let format = formats.get(timezone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
    formats.set(timezone, format)
  }
  const name = format.formatToParts(utc).find((part) => part.type === 'timeZoneName')!.value
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
  if (!match) return 0 // plain "GMT"
  const minutes = Number(match[2]) * 60 + Number(match[3])
  return (match[1] === '-' ? -1 : 1) * minutes * MINUTE
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
}

/** Working intervals of a local date, in minutes after local midnight. */
function hoursOn(calendar: BusinessCalendar, localDay: number): [number, number][] {
  const date = new Date(localDay * DAY)
  if (calendar.mode === 'always') return [[0, 1440]]
  if ((calendar.holidays ?? []).includes(date.toISOString().slice(0, 10))) return []
  const weekday = WEEKDAY_NAMES[date.getUTCDay()]!
  if (calendar.mode === 'same') {
    return calendar.workingDays.includes(weekday)
      ? [[minutesOf(calendar.start), minutesOf(calendar.end)]]
      : []
  }
  return (calendar.days[weekday] ?? []).map((i) => [minutesOf(i.start), minutesOf(i.end)])
}

/**
 * The working parts of [from, to), a piece of time with one offset, as UTC intervals in
 * order: each local day the piece touches, intersected with that day's hours.
 */
function workingParts(
  calendar: BusinessCalendar,
  from: number,
  to: number,
  offset: number,
): [number, number][] {
  const parts: [number, number][] = []
  const localFrom = from + offset
  const localTo = to + offset
  for (let day = Math.floor(localFrom / DAY); day * DAY < localTo; day++) {
    const hours = hoursOn(calendar, day).sort((a, b) => a[0] - b[0])
    for (const [start, end] of hours) {
      const s = Math.max(day * DAY + start * MINUTE, localFrom)
      const e = Math.min(day * DAY + end * MINUTE, localTo)
      if (e > s) parts.push([s - offset, e - offset])
    }
  }
  return parts
}

/**
 * Pieces of [from, to) with one offset each: `step`-long pieces aligned to UTC multiples
 * of `step`; a piece whose two ends disagree on the offset is walked minute by minute
 * (offsets change on whole UTC minutes).
 */
function* pieces(
  timezone: string,
  from: number,
  to: number,
  step: number,
): Generator<[number, number, number]> {
  let at = from
  while (at < to) {
    const end = Math.min((Math.floor(at / step) + 1) * step, to)
    const offset = referenceOffset(timezone, at)
    if (step > MINUTE && referenceOffset(timezone, end - 1) !== offset) {
      yield* pieces(timezone, at, end, MINUTE)
    } else {
      yield [at, end, offset]
    }
    at = end
  }
}

/** Business ms in [from, to), from ≤ to, by walking. */
export function referenceBusinessMs(
  calendar: BusinessCalendar | null,
  from: number,
  to: number,
  step = 3_600_000,
): number {
  if (calendar === null) return to - from
  let sum = 0
  for (const [a, b, offset] of pieces(calendar.timezone, from, to, step)) {
    for (const [s, e] of workingParts(calendar, a, b, offset)) sum += e - s
  }
  return sum
}

/** The earliest instant at which `amount` business ms have passed since `from`, by walking. */
export function referenceAddBusinessMs(
  calendar: BusinessCalendar | null,
  from: number,
  amount: number,
  step = 3_600_000,
): number {
  if (calendar === null || amount === 0) return from + amount
  let need = amount
  // the walk has no end of its own: give up after 20 years rather than loop forever
  for (const [a, b, offset] of pieces(calendar.timezone, from, from + 20 * 366 * DAY, step)) {
    for (const [s, e] of workingParts(calendar, a, b, offset)) {
      if (need <= e - s) return s + need
      need -= e - s
    }
  }
  throw new Error('no business time within 20 years')
}

/**
 * SPEC §6.3 read literally at one instant, with the reference clock: what fires at `at`
 * (the earliest-due chain's rule), or null. Memoises clock readings in `memo`.
 */
export function referenceFire<R extends EvaluableRule>(
  ticket: TicketSnapshot,
  rules: readonly R[],
  calendar: BusinessCalendar | null,
  at: number,
  memo: Map<string, number> = new Map(),
): R | null {
  if (ticket.status !== 'open') return null
  function add(rule: R, from: number, minutes: number): number {
    const cal = rule.businessHoursOnly ? calendar : null
    const key = `${cal === null ? 'wall' : 'cal'}:${from}:${minutes}`
    let value = memo.get(key)
    if (value === undefined) {
      value = referenceAddBusinessMs(cal, from, minutes * MINUTE)
      memo.set(key, value)
    }
    return value
  }
  interface Read {
    rule: R
    firstDue: number
    firings: number[]
  }
  const chains = new Map<string, Read[]>()
  for (const rule of rules) {
    const start =
      rule.clock === 'age' ? ticket.openSince.getTime() : (ticket.waitingSince?.getTime() ?? null)
    if (start === null) continue
    const firings = ticket.escalationHistory
      .filter((e) => e.ruleId === rule.id && e.escalatedAt.getTime() >= start)
      .map((e) => e.escalatedAt.getTime())
      .sort((a, b) => a - b)
    const read = { rule, firstDue: add(rule, start, rule.escalateAfterMinutes), firings }
    chains.set(rule.chain, [...(chains.get(rule.chain) ?? []), read])
  }
  const byRank = (a: Read, b: Read) =>
    b.firstDue - a.firstDue ||
    b.rule.escalateAfterMinutes - a.rule.escalateAfterMinutes ||
    (/^\d+$/.test(a.rule.id) && /^\d+$/.test(b.rule.id)
      ? Number(a.rule.id) - Number(b.rule.id)
      : a.rule.id < b.rule.id
        ? -1
        : 1)
  let best: { rule: R; dueSince: number; chain: string } | null = null
  for (const [chain, reads] of [...chains].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ranked = [...reads].sort(byRank)
    // 6.3.1: only the latest-due crossed matching rule may fire
    const top = ranked.find((r) => r.firstDue <= at && matchesRule(ticket, r.rule))
    if (!top) continue
    // 6.3.3: quiet once a later-due rule fired in the period
    const higher = ranked.slice(0, ranked.indexOf(top))
    if (higher.some((r) => r.firings.length > 0)) continue
    let dueSince: number
    if (top.firings.length === 0) {
      // 6.3.4: a firing answers for everything of its chain already due by then
      const lastOfChain = Math.max(...reads.flatMap((r) => r.firings))
      if (top.firstDue <= lastOfChain) continue
      dueSince = top.firstDue
    } else {
      // 6.3.2: repeats
      if (top.rule.repeatEveryMinutes === null) continue
      dueSince = add(top.rule, top.firings.at(-1)!, top.rule.repeatEveryMinutes)
      if (dueSince > at) continue
    }
    if (best === null || dueSince < best.dueSince) best = { rule: top.rule, dueSince, chain }
  }
  return best?.rule ?? null
}

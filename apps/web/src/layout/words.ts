// How numbers, times and names read, through Intl so plurals and units follow the browser's
// language. One place, so "1 hand" and "3 min" read the same in the list, the card and the map.

const plurals = new Intl.PluralRules()

/** `1 hand`, `3 hands`: the count with the word that goes with it. */
export function countOf(n: number, one: string, other: string): string {
  return `${new Intl.NumberFormat().format(n)} ${plurals.select(n) === 'one' ? one : other}`
}

function unit(value: number, name: 'second' | 'minute' | 'hour' | 'day'): string {
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit: name,
    unitDisplay: 'short',
  }).format(value)
}

/** How long something has lasted, coarse: `just now`, `4 min`, `1 hr 5 min`, `2 days`. */
export function formatElapsed(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return unit(minutes, 'minute')
  const hours = Math.floor(minutes / 60)
  if (hours < 24)
    return minutes % 60
      ? `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}`
      : unit(hours, 'hour')
  return unit(Math.floor(hours / 24), 'day')
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'long' })

/** When something happened, from now: `now`, `4 minutes ago`, `yesterday`. */
export function formatAgo(ms: number): string {
  const seconds = Math.round(Math.max(0, ms) / 1000)
  if (seconds < 45) return relative.format(0, 'second')
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return relative.format(-minutes, 'minute')
  const hours = Math.round(minutes / 60)
  if (hours < 24) return relative.format(-hours, 'hour')
  return relative.format(-Math.round(hours / 24), 'day')
}

const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** The full date and time, for a tooltip beside a relative one. */
export function formatFullDate(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : full.format(date)
}

/** `Dana`, `Dana and Eli`, `Dana, Eli and Gus`. */
export function listOf(names: readonly string[]): string {
  return new Intl.ListFormat(undefined, { style: 'long', type: 'conjunction' }).format(names)
}

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name
}

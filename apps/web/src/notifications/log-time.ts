// The delivery log's times: short as the rest of the app writes them ("14:32", "Thu, Dec 3,
// 14:32"), in the reader's language, with the full instant (to the second) for the tooltip.

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })
const withDay = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
})
const withYear = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
})
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' })

function sameDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  )
}

/**
 * An instant as short as it can be next to `reference` (today, or the row's first time): the
 * time alone on the same day, then the day, then the year.
 *
 * @example formatLogTime('2026-12-03T14:32:05Z', new Date('2026-12-03T18:00:00Z')) // '2:32 PM'
 */
export function formatLogTime(iso: string, reference: Date): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  if (sameDay(at, reference)) return timeOnly.format(at)
  return at.getFullYear() === reference.getFullYear() ? withDay.format(at) : withYear.format(at)
}

/** The instant in full, to the second, for a tooltip: retries can be seconds apart. */
export function formatLogTimeFull(iso: string): string {
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? iso : full.format(at)
}

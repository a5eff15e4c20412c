// The metrics page's periods, as local dates of the space's timezone (the API counts them so).

export type PeriodPreset = 'today' | '7d' | '30d' | 'custom'

export const PRESET_LABELS: Record<PeriodPreset, string> = {
  today: 'Today',
  '7d': '7 days',
  '30d': '30 days',
  custom: 'Custom',
}

/** The local date (`YYYY-MM-DD`) of an instant in a timezone. */
export function localDate(timezone: string, at: Date): string {
  // en-CA writes dates as YYYY-MM-DD
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at)
}

/** `date` moved by whole days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const moved = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days))
  return moved.toISOString().slice(0, 10)
}

/**
 * The dates a preset stands for, both included, ending today in the space's timezone.
 *
 * @example
 * presetRange('7d', 'Europe/London', new Date('2026-11-23T10:00:00Z'))
 * // { from: '2026-11-17', to: '2026-11-23' }
 */
export function presetRange(
  preset: Exclude<PeriodPreset, 'custom'>,
  timezone: string,
  now: Date,
): { from: string; to: string } {
  const today = localDate(timezone, now)
  const days = preset === 'today' ? 1 : preset === '7d' ? 7 : 30
  return { from: addDays(today, 1 - days), to: today }
}

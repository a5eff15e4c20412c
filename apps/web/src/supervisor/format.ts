import type { MetricRatio, MetricsResponse } from '@flare/protocol/client'

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 })

/** `80 %`, or a dash when there was nothing to divide. */
export function formatShare(ratio: MetricRatio): string {
  return ratio.value === null ? '—' : percent.format(ratio.value)
}

function unit(value: number, name: 'second' | 'minute' | 'hour' | 'day'): string {
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit: name,
    unitDisplay: 'short',
    maximumFractionDigits: name === 'second' ? 0 : 1,
  }).format(value)
}

/** A duration as a supervisor reads it: `45 sec`, `35 min`, `2 hr 5 min`, `3 days 4 hr`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—'
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return unit(seconds, 'second')
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return unit(minutes, 'minute')
  const hours = Math.floor(minutes / 60)
  if (hours < 24) {
    return minutes % 60
      ? `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}`
      : unit(hours, 'hour')
  }
  const days = Math.floor(hours / 24)
  return hours % 24 ? `${unit(days, 'day')} ${unit(hours % 24, 'hour')}` : unit(days, 'day')
}

/** A chart's label for a bucket: the hour, or the local day, in the space's timezone. */
export function bucketLabel(
  start: string,
  bucket: MetricsResponse['period']['bucket'],
  timezone: string,
): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === 'hour'
      ? { timeZone: timezone, hour: '2-digit', minute: '2-digit' }
      : { timeZone: timezone, weekday: 'short', day: 'numeric', month: 'short' }
  return new Intl.DateTimeFormat(undefined, options).format(new Date(start))
}

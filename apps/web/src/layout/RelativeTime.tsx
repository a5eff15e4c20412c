import { useServerNow } from '../hands/time.js'
import { formatAgo, formatElapsed, formatFullDate } from './words.js'

/**
 * A time as people say it ("4 minutes ago", or "4 min" for how long something has lasted),
 * with the full date on hover and for screen readers in `dateTime`. Re-renders as time passes.
 */
export function RelativeTime({
  iso,
  mode = 'ago',
  everyMs = 15_000,
}: {
  iso: string
  mode?: 'ago' | 'elapsed'
  everyMs?: number
}) {
  const now = useServerNow(everyMs)
  const ms = now - Date.parse(iso)
  return (
    <time dateTime={iso} title={formatFullDate(iso)}>
      {mode === 'ago' ? formatAgo(ms) : formatElapsed(ms)}
    </time>
  )
}

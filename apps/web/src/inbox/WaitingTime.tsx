import { useEffect, useState } from 'react'
import { formatDuration } from './format.js'

/** The current time, re-read every second while mounted. */
function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}

/** How long the customer has waited on staff, ticking; nothing when they are not waiting. */
export function WaitingTime({ since }: { since: string | null }) {
  const now = useNow()
  if (!since) return null
  const waited = formatDuration(now - Date.parse(since))
  return (
    <span
      className="ticket-waiting-time"
      title={`Waiting since ${new Date(since).toLocaleString()}`}
    >
      Waiting {waited}
    </span>
  )
}

import { useEffect, useState } from 'react'
import { useFlare } from '../store/index.js'

/** The server's current time, re-rendering every `everyMs`. */
export function useServerNow(everyMs = 15_000): number {
  const skew = useFlare((s) => s.serverSkewMs)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now + skew
}

/** "just now", "4 min", "1 h 5 min". */
export function formatUptime(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
}

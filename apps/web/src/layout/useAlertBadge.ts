import { useEffect } from 'react'
import { useWaitingAlertCount } from '../hands/alerts.js'

function faviconFor(count: number): string {
  if (count === 0) return '/favicon.svg'
  return `/favicons/alert-${count > 9 ? '9plus' : count}.svg`
}

function setFavicon(href: string): void {
  const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]')
  if (link && link.getAttribute('href') !== href) link.href = href
}

/**
 * Shows the alerts still waiting for you in the tab's title ("(2) Contact Center · Flare") and
 * on its icon, so a person in another tab or window sees them at a glance.
 */
export function useAlertBadge(spaceName: string | null): void {
  const count = useWaitingAlertCount()
  useEffect(() => {
    const place = spaceName ? `${spaceName} · Flare` : 'Flare'
    document.title = count > 0 ? `(${count}) ${place}` : place
    setFavicon(faviconFor(count))
  }, [count, spaceName])
  useEffect(
    () => () => {
      document.title = 'Flare'
      setFavicon(faviconFor(0))
    },
    [],
  )
}

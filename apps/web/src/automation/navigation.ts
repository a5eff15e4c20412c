import { type MouseEvent, useSyncExternalStore } from 'react'

// The app routes by `window.location.pathname`; these let a link change it without a reload
// and let `App` re-render when it changes (links here, Back and Forward in the browser).
const CHANGE = 'flare:navigate'

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange)
  window.addEventListener(CHANGE, onChange)
  return () => {
    window.removeEventListener('popstate', onChange)
    window.removeEventListener(CHANGE, onChange)
  }
}

/** The address's path, re-rendering when it changes. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname)
}

export function navigate(path: string): void {
  if (window.location.pathname === path) return
  window.history.pushState(null, '', path)
  window.dispatchEvent(new Event(CHANGE))
}

/** An `<a>`'s click handler that stays in the app; a modified click still opens a new tab. */
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  event.preventDefault()
  navigate(event.currentTarget.pathname)
}

/** The settings page's address, `/spaces/:spaceId/settings`, or null. */
export function settingsSpaceId(pathname: string): string | null {
  return pathname.match(/^\/spaces\/([^/]+)\/settings\/?$/)?.[1] ?? null
}

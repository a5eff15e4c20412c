import { useSyncExternalStore } from 'react'

/** Whether a media query matches now, re-rendering when it changes (a rotated phone). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      if (typeof window.matchMedia !== 'function') return () => {}
      const list = window.matchMedia(query)
      list.addEventListener('change', onChange)
      return () => list.removeEventListener('change', onChange)
    },
    () => typeof window.matchMedia === 'function' && window.matchMedia(query).matches,
  )
}

/** The phone layout: one column, alerts first, bottom navigation. */
export const PHONE_QUERY = '(max-width: 700px)'

/** An upright tablet: the map on top, the alerts and the panel stacked under it (styles.css). */
export const STACKED_QUERY = '(width > 700px) and (width <= 1100px) and (orientation: portrait)'

/** A top bar too narrow for the status picker: your status moves into the account menu. */
export const NARROW_BAR_QUERY = '(width < 1000px)'

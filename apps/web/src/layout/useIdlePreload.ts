import { useEffect } from 'react'

/**
 * Fetches a lazily loaded part of the app (`load`, its dynamic import) once the page is idle,
 * so the first time someone opens it does not wait for its code, while the first page load
 * does not carry it either (SPEC §10's budget).
 */
export function useIdlePreload(load: () => Promise<unknown>): void {
  useEffect(() => {
    const soon =
      typeof requestIdleCallback === 'function'
        ? requestIdleCallback(() => void load(), { timeout: 3000 })
        : window.setTimeout(() => void load(), 1000)
    return () => {
      if (typeof cancelIdleCallback === 'function') cancelIdleCallback(soon)
      else window.clearTimeout(soon)
    }
  }, [load])
}

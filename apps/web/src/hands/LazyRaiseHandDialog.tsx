import { lazy, Suspense, useEffect } from 'react'
import { useFlare } from '../store/index.js'

const load = () => import('./RaiseHandDialog.js').then((m) => ({ default: m.RaiseHandDialog }))
const RaiseHandDialog = lazy(load)

/**
 * The raise dialog, its code (and the recipient picker's) kept out of the first page load's
 * JavaScript (SPEC §10's budget) and fetched once the page is idle, so pressing Escalation
 * never waits for it.
 */
export function LazyRaiseHandDialog() {
  const open = useFlare((s) => s.escalationDialogOpen)
  useEffect(() => {
    const soon =
      typeof requestIdleCallback === 'function'
        ? requestIdleCallback(() => void load(), { timeout: 3000 })
        : window.setTimeout(() => void load(), 1000)
    return () => {
      if (typeof cancelIdleCallback === 'function') cancelIdleCallback(soon)
      else window.clearTimeout(soon)
    }
  }, [])
  if (!open) return null
  return (
    <Suspense fallback={null}>
      <RaiseHandDialog />
    </Suspense>
  )
}

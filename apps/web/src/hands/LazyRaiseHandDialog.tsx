import { lazy, Suspense } from 'react'
import { useIdlePreload } from '../layout/useIdlePreload.js'
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
  useIdlePreload(load)
  if (!open) return null
  return (
    <Suspense fallback={null}>
      <RaiseHandDialog />
    </Suspense>
  )
}

import { lazy, Suspense } from 'react'

const load = () => import('./TicketView.js').then((m) => ({ default: m.TicketView }))
const TicketView = lazy(load)

/**
 * Fetches the ticket view's code ahead of the first click (when a list of tickets shows), so
 * opening a ticket does not wait for it; it stays out of the first page load's JavaScript.
 */
export function preloadTicketView(): void {
  void load()
}

/** The ticket view, its code loaded on first use (the first page load's budget, SPEC §10). */
export function LazyTicketView({ ticketId }: { ticketId: string }) {
  return (
    <Suspense
      fallback={
        <p className="muted" aria-busy="true">
          Opening the ticket…
        </p>
      }
    >
      <TicketView ticketId={ticketId} />
    </Suspense>
  )
}

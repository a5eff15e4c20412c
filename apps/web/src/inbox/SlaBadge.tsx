import type { TicketDto } from '@flare/protocol/client'
import { formatFullDate } from '../layout/words.js'

/** What each status says; a finished ticket that kept its targets has met them. */
function labelOf(ticket: TicketDto): string | null {
  switch (ticket.slaStatus) {
    case null:
      return null
    case 'on_track':
      return ticket.status === 'resolved' || ticket.status === 'closed' ? 'SLA met' : 'SLA on track'
    case 'at_risk':
      return 'SLA at risk'
    case 'breached':
      return 'SLA breached'
  }
}

/**
 * A ticket's SLA status (SPEC §8.1) as a badge: words and colour, never colour alone; when a
 * target is still running, its due time on hover. Nothing when no policy applies.
 */
export function SlaBadge({ ticket }: { ticket: TicketDto }) {
  const label = labelOf(ticket)
  if (!label || !ticket.slaStatus) return null
  return (
    <span
      className={`ticket-badge sla-${ticket.slaStatus}`}
      data-testid="sla-status"
      title={ticket.slaDueAt ? `Due by ${formatFullDate(ticket.slaDueAt)}` : undefined}
    >
      {label}
    </span>
  )
}

import { useEffect } from 'react'
import { AlertCard, type CardAction } from '../hands/AlertCard.js'
import type { Alert } from '../hands/alerts.js'
import { customerName, PRIORITY_LABEL } from '../inbox/format.js'
import { loadTicketFacts } from '../inbox/ticket-facts.js'
import { StopwatchIcon } from '../layout/icons.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { formatFullDate } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { slaWarningNow } from './alert-text.js'
import { dismissSlaWarning, openSlaWarningTicket } from './automation-actions.js'
import './automation.css'

const TARGET_LABEL = { first_response: 'First response', resolution: 'Resolution' } as const

const SLA_NOW_TITLE = {
  at_risk: 'SLA at risk',
  breached: 'SLA breached',
  settled: 'SLA no longer at risk',
} as const

/**
 * A ticket of yours close to missing its SLA (SPEC §8.1.5): an amber card, staff only, with
 * when the target is breached. Open ticket (T) or dismiss (Esc).
 */
export function SlaWarningCard({
  alert,
  collapsed,
  onExpand,
  onDone,
}: {
  alert: Extract<Alert, { kind: 'sla' }>
  collapsed: boolean
  onExpand(): void
  onDone(): void
}) {
  const { warning } = alert
  const { ticket } = warning
  const known = useFlare((s) => s.tickets[ticket.id])

  useEffect(() => {
    void loadTicketFacts(ticket.id)
  }, [ticket.id])

  const customer = known ? customerName(known.customer) : (ticket.customerName ?? 'A customer')
  // the ticket moved on since the card came: it says so rather than "at risk" still
  const now = slaWarningNow(known)
  const open: CardAction = {
    label: 'Open ticket',
    shortcut: 'T',
    primary: true,
    run: () => {
      onDone()
      openSlaWarningTicket(warning.warningId, ticket.id)
    },
  }
  const dismiss: CardAction = {
    label: 'Dismiss',
    shortcut: 'Escape',
    ariaLabel: `Dismiss the SLA warning of ${ticket.subject}`,
    run: () => {
      onDone()
      dismissSlaWarning(warning.warningId)
    },
  }

  return (
    <AlertCard
      id={`alert-${warning.warningId}`}
      tone="sla"
      icon={<StopwatchIcon />}
      title={`${SLA_NOW_TITLE[now]}: ${ticket.subject}`}
      meta={<RelativeTime iso={warning.at} mode="elapsed" />}
      collapsed={collapsed}
      onExpand={now === 'settled' ? undefined : onExpand}
      actions={collapsed && now !== 'settled' ? [dismiss] : [open, dismiss]}
      status={
        now === 'settled' && (
          <span className="ticket-alert-taken" data-testid="sla-warning-settled">
            Back on track.
          </span>
        )
      }
    >
      <p className="alert-facts">
        <span className={`ticket-badge priority-${ticket.priority}`}>
          {PRIORITY_LABEL[ticket.priority]}
        </span>{' '}
        <span className="alert-customer">{customer}</span>
      </p>
      <p className="alert-reason" data-testid="sla-warning-due">
        {TARGET_LABEL[warning.metric]} {now === 'breached' ? 'was due by' : 'due by'}{' '}
        <time dateTime={warning.dueAt}>{formatFullDate(warning.dueAt)}</time>
      </p>
    </AlertCard>
  )
}

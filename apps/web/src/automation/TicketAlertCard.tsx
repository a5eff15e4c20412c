import { useEffect, useState } from 'react'
import { AlertCard, type CardAction } from '../hands/AlertCard.js'
import type { Alert } from '../hands/alerts.js'
import { customerName, PRIORITY_LABEL } from '../inbox/format.js'
import { loadTicketFacts } from '../inbox/ticket-facts.js'
import { WaitingTime } from '../inbox/WaitingTime.js'
import { TicketClockIcon } from '../layout/icons.js'
import { displayNameOf } from '../layout/people.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { useFlare } from '../store/index.js'
import {
  acknowledgeTicketAlert,
  dismissTicketAlert,
  openEscalatedTicket,
} from './automation-actions.js'
import './automation.css'

/** A ticket escalation that reached you: I'm on it (O), Open ticket (T), or dismiss (Esc). */
export function TicketAlertCard({
  alert,
  collapsed,
  onExpand,
  onDone,
}: {
  alert: Extract<Alert, { kind: 'ticket' }>
  collapsed: boolean
  onExpand(): void
  onDone(): void
}) {
  const you = useFlare(
    (s) => s.snapshot?.you ?? (s.me.status === 'ready' ? s.me.value?.user.id : null),
  )
  const { event, acknowledged } = alert.alert
  const known = useFlare((s) => s.tickets[event.ticket.id])
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const { ticket } = event

  useEffect(() => {
    void loadTicketFacts(ticket.id)
  }, [ticket.id])

  // the customer as staff know them: a name, else the phone or email they wrote from
  const customer = known ? customerName(known.customer) : (ticket.customerName ?? 'A customer')
  const takenBy = acknowledged
    ? acknowledged.userId === you
      ? 'You are on it.'
      : `${displayNameOf(acknowledged.userId)} is on it.`
    : null

  async function acknowledge() {
    setBusy(true)
    const result = await acknowledgeTicketAlert(event.firingId)
    setBusy(false)
    setError(result.ok ? null : result.error.message)
  }

  const open: CardAction = {
    label: 'Open ticket',
    shortcut: 'T',
    primary: acknowledged !== null,
    run: () => {
      onDone()
      openEscalatedTicket(event.firingId, ticket.id)
    },
  }
  const onIt: CardAction = {
    label: 'I’m on it',
    shortcut: 'O',
    primary: true,
    disabled: busy,
    run: () => void acknowledge(),
  }
  const dismiss: CardAction = {
    label: 'Dismiss',
    shortcut: 'Escape',
    ariaLabel: `Dismiss the ticket escalation of ${ticket.subject}`,
    run: () => {
      onDone()
      dismissTicketAlert(event.firingId)
    },
  }
  const actions = acknowledged ? [open, dismiss] : collapsed ? [dismiss] : [onIt, open, dismiss]

  return (
    <AlertCard
      id={`alert-${event.firingId}`}
      tone="ticket"
      icon={<TicketClockIcon />}
      title={`Ticket escalation, level ${event.level}: ${ticket.subject}`}
      meta={<RelativeTime iso={event.escalatedAt} mode="elapsed" />}
      collapsed={collapsed}
      onExpand={acknowledged ? undefined : onExpand}
      actions={actions}
      status={
        takenBy && (
          <span className="ticket-alert-taken" data-testid="ticket-alert-taken">
            {takenBy}
          </span>
        )
      }
    >
      <p className="alert-facts">
        <span className={`ticket-badge priority-${ticket.priority}`}>
          {PRIORITY_LABEL[ticket.priority]}
        </span>{' '}
        <span className="alert-customer">{customer}</span>
        {' · '}
        {known?.waitingSince ? (
          <WaitingTime since={known.waitingSince} />
        ) : (
          <span>
            open <RelativeTime iso={ticket.createdAt} mode="elapsed" />
          </span>
        )}
      </p>
      <p className="alert-reason">{event.reason}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </AlertCard>
  )
}

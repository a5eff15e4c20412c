import { useState } from 'react'
import { AlertCard, AlertStack } from '../escalations/AlertCard.js'
import { formatUptime, useServerNow } from '../escalations/time.js'
import { PRIORITY_LABEL } from '../inbox/format.js'
import type { TicketAlert } from '../store/automation-slice.js'
import { useFlare } from '../store/index.js'
import {
  acknowledgeTicketAlert,
  dismissTicketAlert,
  openEscalatedTicket,
} from './automation-actions.js'
import { nameOf } from './automation-socket.js'
import './automation.css'

function TicketAlertCard({ alert, now }: { alert: TicketAlert; now: number }) {
  const you = useFlare(
    (s) => s.snapshot?.you ?? (s.me.status === 'ready' ? s.me.value?.user.id : null),
  )
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const { event, acknowledged } = alert
  const { ticket } = event
  const takenBy = acknowledged
    ? acknowledged.userId === you
      ? 'You are on it'
      : `${nameOf(acknowledged.userId)} is on it`
    : null

  async function acknowledge() {
    setBusy(true)
    const result = await acknowledgeTicketAlert(event.firingId)
    setBusy(false)
    setError(result.ok ? null : result.error.message)
  }

  return (
    <AlertCard
      id={event.firingId}
      title={`Escalated: ${ticket.subject}`}
      body={
        <>
          <dl className="ticket-alert-facts">
            <div>
              <dt>Customer</dt>
              <dd>{ticket.customerName ?? 'Unknown customer'}</dd>
            </div>
            <div>
              <dt>Priority</dt>
              <dd>
                <span className={`ticket-alert-priority priority-${ticket.priority}`}>
                  {PRIORITY_LABEL[ticket.priority]}
                </span>
              </dd>
            </div>
            <div>
              <dt>Age</dt>
              <dd>{formatUptime(now - Date.parse(ticket.createdAt))}</dd>
            </div>
            <div>
              <dt>Level</dt>
              <dd>{event.level}</dd>
            </div>
          </dl>
          <p className="ticket-alert-reason">{event.reason}</p>
          {takenBy && (
            <p className="ticket-alert-taken" data-testid="ticket-alert-taken">
              {takenBy}
            </p>
          )}
        </>
      }
      actions={
        <>
          <button type="button" onClick={() => openEscalatedTicket(event.firingId, ticket.id)}>
            Open ticket
          </button>
          {!acknowledged && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => void acknowledge()}
            >
              I’m on it
            </button>
          )}
          <button
            type="button"
            className="secondary"
            aria-label={`Dismiss the escalation of ${ticket.subject}`}
            onClick={() => dismissTicketAlert(event.firingId)}
          >
            Dismiss
          </button>
        </>
      }
    >
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </AlertCard>
  )
}

/** The red cards of automatic escalations that reached you: Open ticket, I'm on it, dismiss. */
export function TicketAlertStack() {
  const alerts = useFlare((s) => s.ticketAlerts)
  const now = useServerNow()
  if (alerts.length === 0) return null
  return (
    <AlertStack label="Tickets escalated to you">
      {alerts.map((alert) => (
        <TicketAlertCard key={alert.event.firingId} alert={alert} now={now} />
      ))}
    </AlertStack>
  )
}

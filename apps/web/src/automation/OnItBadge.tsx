import type { TicketAcknowledgementDto, TicketDto } from '@flare/protocol/client'
import { useEffect, useState } from 'react'
import { displayNameOf } from '../layout/people.js'
import { useFlare } from '../store/index.js'
import { letGoOfTicket } from './automation-actions.js'
import './automation.css'

/**
 * The acknowledgements that silence a chain at `now` (SPEC §11.2): not ended, snooze ahead,
 * taken in the ticket's current open life.
 */
export function inForce(ticket: TicketDto, now: number): TicketAcknowledgementDto[] {
  const openSince = new Date(ticket.openSince).getTime()
  return ticket.acknowledgements.filter(
    (a) =>
      a.endedAt === null &&
      new Date(a.acknowledgedAt).getTime() >= openSince &&
      (a.snoozedUntil === null || new Date(a.snoozedUntil).getTime() > now),
  )
}

/** Re-renders when the soonest snooze runs out, so "on it" never outlives it on screen. */
function useNow(ticket: TicketDto): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const ends = ticket.acknowledgements
      .filter((a) => a.endedAt === null && a.snoozedUntil !== null)
      .map((a) => new Date(a.snoozedUntil ?? 0).getTime())
      .filter((at) => at > Date.now())
    if (ends.length === 0) return
    const timer = setTimeout(() => setNow(Date.now()), Math.min(...ends) - Date.now() + 50)
    return () => clearTimeout(timer)
  }, [ticket.acknowledgements])
  return now
}

function sentence(ack: TicketAcknowledgementDto, you: string | null): string {
  const who = ack.userId === you ? 'You are' : `${displayNameOf(ack.userId)} is`
  const until = ack.snoozedUntil
    ? `, snoozed until ${new Date(ack.snoozedUntil).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`
    : ''
  return `${who} on it${until}`
}

/** Who took the ticket, for the ticket list: "Dana Reyes is on it". */
export function OnItBadge({ ticket }: { ticket: TicketDto }) {
  const you = useFlare((s) => s.snapshot?.you ?? null)
  const now = useNow(ticket)
  const taken = inForce(ticket, now)
  if (taken.length === 0) return null
  return (
    <span className="on-it" data-testid="ticket-on-it">
      {taken.map((a) => sentence(a, you)).join(' · ')}
    </span>
  )
}

/**
 * Who took the ticket, in the ticket view, with "Let go" for the one on it (and for admins
 * and managers): the chain goes on from then.
 */
export function OnItBar({ ticket }: { ticket: TicketDto }) {
  const you = useFlare((s) => s.snapshot?.you ?? null)
  const role = useFlare((s) => (s.space.status === 'ready' ? s.space.value.role : null))
  const now = useNow(ticket)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const taken = inForce(ticket, now)
  if (taken.length === 0) return null
  return (
    <div className="on-it-bar" data-testid="ticket-on-it">
      {taken.map((a) => (
        <span key={a.chain} className="on-it">
          {sentence(a, you)}
          {(a.userId === you || role === 'admin' || role === 'manager') && (
            <button
              type="button"
              className="secondary small"
              disabled={busy}
              aria-label={
                a.userId === you
                  ? 'Let go: the escalation goes on'
                  : `Let go for ${displayNameOf(a.userId)}: the escalation goes on`
              }
              onClick={async () => {
                setBusy(true)
                const problem = await letGoOfTicket(a.firingId)
                setBusy(false)
                setError(problem ? problem.message : null)
              }}
            >
              Let go
            </button>
          )}
        </span>
      ))}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </div>
  )
}

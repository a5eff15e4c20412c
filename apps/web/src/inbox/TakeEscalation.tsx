import type { TicketAcknowledgementDto, TicketDto } from '@flare/protocol/client'
import { useState } from 'react'
import { acknowledgeTicketAlert } from '../automation/automation-actions.js'
import { displayNameOf } from '../layout/people.js'
import { useFlare } from '../store/index.js'
import { firingsToTake, type TakeableFiring } from './ticket-firings.js'

/** What the server answered, shown until the ticket itself says who is on it. */
interface Outcome {
  text: string
  /** The ticket's acknowledgements when the answer came: once they change, the ticket says it. */
  seen: readonly TicketAcknowledgementDto[]
}

/**
 * "I'm on it" in the ticket view, for an escalation of this ticket that went to you and that
 * nobody has taken (SPEC §11.2): the same action as the alert card, so it is there after the
 * card was dismissed or opened, after a reload and on another device (the ticket's history
 * names each firing's targets). Someone else taking it removes it: the ticket's
 * acknowledgements come with `ticket:updated`, and `OnItBar` then says who is on it.
 */
export function TakeEscalation({ ticket }: { ticket: TicketDto }) {
  const you = useFlare((s) => s.snapshot?.you ?? null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  // until the ticket's own copy says so, a firing just taken is not offered again
  const waiting = outcome !== null && outcome.seen === ticket.acknowledgements
  const open = waiting ? [] : firingsToTake(ticket, you, Date.now())

  async function take(firing: TakeableFiring) {
    setBusy(true)
    const seen = ticket.acknowledgements
    const result = await acknowledgeTicketAlert(firing.firingId)
    setBusy(false)
    if (!result.ok) {
      setError(result.error.message)
      return
    }
    setError(null)
    const holder = result.acknowledged.userId
    setOutcome({
      text: holder === you ? 'You are on it.' : `${displayNameOf(holder)} is on it already.`,
      seen,
    })
  }

  if (open.length === 0) {
    return waiting ? (
      <p className="take-escalation" role="status">
        {outcome.text}
      </p>
    ) : null
  }
  return (
    <div className="take-escalation" data-testid="take-escalation">
      {open.map((firing) => (
        <span key={firing.chain} className="take-escalation-item">
          <span>
            Escalated to you, level {firing.level}
            {open.length > 1 && firing.ruleName ? ` (${firing.ruleName})` : ''}. Nobody on it yet.
          </span>
          <button
            type="button"
            className="small"
            disabled={busy}
            aria-label={open.length > 1 ? `I’m on it: level ${firing.level}` : undefined}
            onClick={() => void take(firing)}
          >
            I’m on it
          </button>
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

import type { TicketEscalatedEvent } from '@flare/protocol'
import { TRIGGER_LABEL } from '@flare/protocol/client'
import { useEffect, useState } from 'react'
import { AlertCard, type CardAction } from '../hands/AlertCard.js'
import type { Alert } from '../hands/alerts.js'
import { UrgentIcon } from '../hands/icons.js'
import { customerName, PRIORITY_LABEL } from '../inbox/format.js'
import { loadTicketFacts } from '../inbox/ticket-facts.js'
import { WaitingTime } from '../inbox/WaitingTime.js'
import { ChatIcon, PersonIcon, TicketClockIcon } from '../layout/icons.js'
import { displayNameOf } from '../layout/people.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { useFlare } from '../store/index.js'
import { alertTitle, waitOverText } from './alert-text.js'
import {
  acknowledgeTicketAlert,
  dismissTicketAlert,
  letGoOfTicket,
  openEscalatedTicket,
  snoozeTicket,
} from './automation-actions.js'
import './automation.css'

/** The end of the conversation, so whoever takes it starts informed (SPEC §11.1.7). */
function Transcript({ event, customer }: { event: TicketEscalatedEvent; customer: string }) {
  const turns = event.transcript ?? []
  if (turns.length === 0) return null
  const total = event.transcriptTurns ?? turns.length
  const hasBot = turns.some((turn) => turn.from === 'bot')
  // open where it says why the card came: a trigger, or a bot that handed over
  return (
    <details className="alert-transcript" open={event.trigger !== undefined || hasBot}>
      <summary>
        {total > turns.length
          ? `The conversation: last ${turns.length} of ${total} turns`
          : `The conversation: ${total} ${total === 1 ? 'turn' : 'turns'}`}
      </summary>
      <ol aria-label={`Conversation with ${customer}`}>
        {turns.map((turn, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: turns have no id but their place
          <li key={index} className={`turn turn-${turn.from}`}>
            <span className="turn-who">{turn.from === 'bot' ? 'Bot:' : `${customer}:`}</span>
            {turn.outcome === 'fallback' && <span className="turn-fallback">fell back</span>}
            {turn.text}
          </li>
        ))}
      </ol>
    </details>
  )
}

function TriggerIcon({ kind }: { kind: NonNullable<TicketEscalatedEvent['trigger']>['kind'] }) {
  if (kind === 'keyword') return <PersonIcon />
  if (kind === 'bot_failure') return <ChatIcon />
  return <UrgentIcon />
}

/** The snooze lengths offered: the acknowledger's explicit choice (SPEC §11.2.4). */
const SNOOZE_MINUTES = [5, 15, 30, 60] as const

/** "14:05" in the viewer's own clock. */
function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

/**
 * A ticket escalation that reached you: I'm on it (O), Open ticket (T), or dismiss (Esc). Once
 * you are on it: let go (L) gives the chain back, snooze (S) keeps it quiet for a while only.
 */
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
  const [snoozing, setSnoozing] = useState(false)
  const [snoozeFor, setSnoozeFor] = useState<number>(15)
  const { ticket } = event
  const yours = acknowledged !== null && acknowledged.userId === you

  useEffect(() => {
    void loadTicketFacts(ticket.id)
  }, [ticket.id])

  // the customer as staff know them: a name, else the phone or email they wrote from
  const customer = known ? customerName(known.customer) : (ticket.customerName ?? 'A customer')
  const snoozed = acknowledged?.snoozedUntil
    ? ` Snoozed until ${clockTime(acknowledged.snoozedUntil)}.`
    : ''
  const takenBy = acknowledged
    ? yours
      ? `You are on it.${snoozed}`
      : `${displayNameOf(acknowledged.userId)} is on it.${snoozed}`
    : null
  // answered (or held, resolved) since it fired: the card has done its job
  const waitOver = acknowledged ? null : waitOverText(known, event.escalatedAt)
  const settled = takenBy ?? waitOver

  async function acknowledge() {
    setBusy(true)
    const result = await acknowledgeTicketAlert(event.firingId)
    setBusy(false)
    setError(result.ok ? null : result.error.message)
  }

  async function run(action: () => Promise<{ message: string } | null>) {
    setBusy(true)
    const problem = await action()
    setBusy(false)
    setError(problem ? problem.message : null)
    if (!problem) setSnoozing(false)
  }

  const open: CardAction = {
    label: 'Open ticket',
    shortcut: 'T',
    primary: settled !== null,
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
  const letGo: CardAction = {
    label: 'Let go',
    shortcut: 'L',
    disabled: busy,
    ariaLabel: `Let go of ${ticket.subject}: the escalation goes on`,
    run: () => void run(() => letGoOfTicket(event.firingId)),
  }
  const snooze: CardAction = {
    label: 'Snooze…',
    shortcut: 'S',
    disabled: busy,
    ariaLabel: `Snooze the escalation of ${ticket.subject}`,
    run: () => setSnoozing((on) => !on),
  }
  // a taken card is folded, yet the one on it can still let go or snooze from it
  const actions = acknowledged
    ? yours
      ? [open, letGo, snooze, dismiss]
      : [open, dismiss]
    : waitOver
      ? [open, dismiss]
      : collapsed
        ? [dismiss]
        : [onIt, open, dismiss]

  return (
    <AlertCard
      id={`alert-${event.firingId}`}
      // a customer asking for a person flares up red, like an urgent hand; a clock stays amber
      tone={event.trigger ? 'urgent' : 'ticket'}
      icon={event.trigger ? <TriggerIcon kind={event.trigger.kind} /> : <TicketClockIcon />}
      title={alertTitle(event)}
      meta={<RelativeTime iso={event.escalatedAt} mode="elapsed" />}
      collapsed={collapsed}
      onExpand={settled ? undefined : onExpand}
      actions={actions}
      status={
        (settled || error) && (
          <>
            {settled && (
              <span className="ticket-alert-taken" data-testid="ticket-alert-taken">
                {settled}
              </span>
            )}
            {snoozing && yours && (
              <form
                className="snooze-form"
                aria-label="Snooze"
                onSubmit={(e) => {
                  e.preventDefault()
                  void run(() => snoozeTicket(event.firingId, snoozeFor))
                }}
              >
                <label>
                  Quiet for{' '}
                  <select
                    value={snoozeFor}
                    onChange={(e) => setSnoozeFor(Number(e.target.value))}
                    aria-describedby={`snooze-hint-${event.firingId}`}
                  >
                    {SNOOZE_MINUTES.map((m) => (
                      <option key={m} value={m}>
                        {m} minutes
                      </option>
                    ))}
                  </select>
                </label>{' '}
                <button type="submit" className="small" disabled={busy}>
                  Snooze
                </button>
                <span id={`snooze-hint-${event.firingId}`} className="muted small">
                  Then the escalation goes on, unless the customer has been answered.
                </span>
              </form>
            )}
            {error && (
              <span role="alert" className="error">
                {error}
              </span>
            )}
          </>
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
      {event.trigger && (
        <p className="alert-trigger-tag" data-testid="alert-trigger">
          {TRIGGER_LABEL[event.trigger.kind]}
          {event.trigger.words.length > 0 &&
            `: ${event.trigger.words.map((w) => `“${w}”`).join(', ')}`}
        </p>
      )}
      <p className="alert-reason">{event.reason}</p>
      <Transcript event={event} customer={customer} />
    </AlertCard>
  )
}

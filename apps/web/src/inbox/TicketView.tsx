import type { TicketDto, TicketMessageDto, TicketPriority, TicketUpdate } from '@flare/protocol'
import {
  type FormEvent,
  type KeyboardEvent,
  type RefObject,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react'
import { EscalationHistory } from '../automation/EscalationHistory.js'
import { OnItBar } from '../automation/OnItBadge.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { formatFullDate } from '../layout/words.js'
import { DeliveryState } from '../notifications/DeliveryState.js'
import { announce, useFlare } from '../store/index.js'
import { CustomerContact } from './CustomerContact.js'
import { customerName, PRIORITY_LABEL, STATUS_LABEL, toLocalInput } from './format.js'
import { closeTicket, sendTicketMessage, updateTicket } from './inbox-actions.js'
import { readReplyDraft, writeReplyDraft } from './reply-drafts.js'
import { SlaBadge } from './SlaBadge.js'
import { TakeEscalation } from './TakeEscalation.js'
import { WaitingTime } from './WaitingTime.js'

const PRIORITIES: TicketPriority[] = ['urgent', 'high', 'medium', 'low']

/** Names for the ids a ticket mentions: members, and groups (a team a rule escalated to). */
function useMemberNames(): Map<string, string> {
  const space = useFlare((s) => s.space)
  if (space.status !== 'ready') return new Map()
  return new Map([
    ...space.value.members.map((m): [string, string] => [m.userId, m.displayName]),
    ...space.value.groups.map((g): [string, string] => [g.id, `${g.name} (@${g.handle})`]),
  ])
}

/** What a screen reader hears once a status change is saved. */
const STATUS_SAID: Record<TicketDto['status'], string> = {
  open: 'Ticket open again',
  on_hold: 'Ticket on hold',
  resolved: 'Ticket resolved',
  closed: 'Ticket closed',
}

/** How long a select waits after its last change before saving (arrow keys step through it). */
const CHOICE_SETTLE_MS = 700

/**
 * A select's choice that is saved once it settles: arrow keys on a closed select change it at
 * every step, and each step must not reassign the ticket (nor tell each assignee). The choice
 * shows at once; it is saved `CHOICE_SETTLE_MS` after the last change, or at once when focus
 * leaves the select, and given up if the ticket meanwhile says the same.
 */
function useSettledChoice<T extends string>(
  stored: T,
  save: (value: T) => Promise<void>,
): { value: T; choose(value: T): void; settle(): void } {
  const [draft, setDraft] = useState<T | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const pending = useRef<T | null>(null)
  const saveRef = useRef(save)
  saveRef.current = save

  function settle() {
    if (timer.current) clearTimeout(timer.current)
    timer.current = null
    const value = pending.current
    pending.current = null
    if (value === null) return
    void saveRef.current(value).finally(() => setDraft((d) => (d === value ? null : d)))
  }
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )
  // the ticket came to say the same (saved, or by someone else): nothing left to show apart
  useEffect(() => {
    if (draft === stored && pending.current === null) setDraft(null)
  }, [draft, stored])

  return {
    value: draft ?? stored,
    choose(value: T) {
      setDraft(value)
      pending.current = value === stored ? null : value
      if (timer.current) clearTimeout(timer.current)
      timer.current = pending.current === null ? null : setTimeout(settle, CHOICE_SETTLE_MS)
    },
    settle,
  }
}

function Controls({
  ticket,
  onError,
}: {
  ticket: TicketDto
  onError(message: string | null): void
}) {
  const space = useFlare((s) => s.space)
  const members = space.status === 'ready' ? space.value.members : []
  const [holdUntil, setHoldUntil] = useState(() =>
    toLocalInput(new Date(Date.now() + 24 * 60 * 60_000)),
  )
  const [busy, setBusy] = useState(false)
  // the hold's date is asked for only once someone chooses to hold: shown all the time, a
  // proposed date read as a hold already set
  const [holding, setHolding] = useState(false)
  const statusActions = useRef<HTMLDivElement>(null)

  async function change(update: TicketUpdate) {
    setBusy(true)
    const problem = await updateTicket(ticket.id, update)
    onError(problem)
    setBusy(false)
    if (problem === null) setHolding(false)
    return problem
  }

  /**
   * A status change: the button pressed goes (Resolve becomes Reopen), so focus moves to what
   * took its place rather than falling to the page, and the change is said.
   */
  async function changeStatus(update: TicketUpdate & { status: TicketDto['status'] }) {
    if (busy) return
    const problem = await change(update)
    if (problem !== null) return
    announce(STATUS_SAID[update.status])
    requestAnimationFrame(() => statusActions.current?.querySelector('button')?.focus())
  }

  const assignee = useSettledChoice(ticket.assignedToUserId ?? '', async (value) => {
    await change({ assignedToUserId: value || null })
  })
  const priority = useSettledChoice(ticket.priority, async (value) => {
    await change({ priority: value })
  })

  const active = ticket.status === 'open' || ticket.status === 'on_hold'
  return (
    <div className="ticket-controls">
      {active && (
        <>
          <label>
            Assignee
            {/* never disabled while saving: a disabled select drops the keyboard's focus */}
            <select
              value={assignee.value}
              aria-busy={busy}
              onChange={(e) => assignee.choose(e.target.value)}
              onBlur={assignee.settle}
            >
              <option value="">Unassigned</option>
              {members.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.displayName}
                </option>
              ))}
            </select>
          </label>
          <label>
            Priority
            <select
              value={priority.value}
              aria-busy={busy}
              onChange={(e) => {
                const chosen = PRIORITIES.find((p) => p === e.target.value)
                if (chosen) priority.choose(chosen)
              }}
              onBlur={priority.settle}
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABEL[p]}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {ticket.status === 'open' && holding && (
        <form
          className="ticket-hold"
          onSubmit={(e: FormEvent) => {
            e.preventDefault()
            const until = holdUntil ? new Date(holdUntil) : null
            void changeStatus({
              status: 'on_hold',
              holdUntil: until && !Number.isNaN(until.getTime()) ? until.toISOString() : null,
            })
          }}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return
            e.stopPropagation()
            setHolding(false)
            requestAnimationFrame(() => statusActions.current?.querySelector('button')?.focus())
          }}
        >
          <label>
            Hold until
            <input
              type="datetime-local"
              value={holdUntil}
              // biome-ignore lint/a11y/noAutofocus: opened by pressing "Put on hold…", the date is what comes next
              autoFocus
              onChange={(e) => setHoldUntil(e.target.value)}
            />
          </label>
          <button type="submit" className="secondary" aria-disabled={busy}>
            Put on hold
          </button>
          <button type="button" className="secondary" onClick={() => setHolding(false)}>
            Cancel
          </button>
        </form>
      )}
      {/* only what the ticket's state allows: a resolved ticket can be reopened, nothing more;
          buttons say they are busy rather than being disabled, which would drop focus */}
      <div className="ticket-status-actions" ref={statusActions}>
        {ticket.status === 'open' && !holding && (
          <button
            type="button"
            className="secondary"
            aria-disabled={busy}
            onClick={() => {
              if (!busy) setHolding(true)
            }}
          >
            Put on hold…
          </button>
        )}
        {(ticket.status === 'on_hold' || ticket.status === 'resolved') && (
          <button
            type="button"
            className="secondary"
            aria-disabled={busy}
            onClick={() => void changeStatus({ status: 'open' })}
          >
            {ticket.status === 'on_hold' ? 'Take off hold' : 'Reopen'}
          </button>
        )}
        {active && (
          <button
            type="button"
            aria-disabled={busy}
            onClick={() => void changeStatus({ status: 'resolved' })}
          >
            Resolve
          </button>
        )}
        {ticket.status === 'closed' && <p className="muted small">This ticket is closed.</p>}
      </div>
    </div>
  )
}

/**
 * A customer message's sentiment (SPEC §11.1.2): the lexicon's score, in words as well as a
 * number, so it reads without the colour.
 */
function SentimentBadge({ score }: { score: number }) {
  const mood = score < 0 ? 'negative' : score > 0 ? 'positive' : 'neutral'
  // in the words an agent uses ("Sentiment 0 (neutral)" was the scorer's own), the score beside
  const text = score < 0 ? `Unhappy −${-score}` : score > 0 ? `Happy +${score}` : 'Neutral'
  return (
    <span
      className={`ticket-badge sentiment sentiment-${mood}`}
      data-testid="message-sentiment"
      title="The customer's tone, from the words they used: each weighs −5 to +5, and below zero reads unhappy"
    >
      {text}
    </span>
  )
}

function Message({
  message,
  ticket,
  names,
}: {
  message: TicketMessageDto
  ticket: TicketDto
  names: Map<string, string>
}) {
  const author =
    message.authorKind === 'customer'
      ? customerName(ticket.customer)
      : message.authorKind === 'system'
        ? 'Flare'
        : message.authorKind === 'bot'
          ? 'Bot'
          : (names.get(message.authorUserId ?? '') ?? 'Staff')
  const kind = message.internal ? 'note' : message.authorKind
  return (
    <li className={`ticket-message ticket-message-${kind}`}>
      <div className="ticket-message-head">
        <span className="ticket-message-author">{author}</span>
        {message.internal && <span className="ticket-badge note">Internal note</span>}
        {message.authorKind === 'bot' && message.botOutcome && (
          <span className={`ticket-badge bot-${message.botOutcome}`}>
            {message.botOutcome === 'fallback' ? 'Bot fell back' : 'Bot answered'}
          </span>
        )}
        {message.sentiment !== undefined && <SentimentBadge score={message.sentiment} />}
        <span className="muted">
          <RelativeTime iso={message.createdAt} />
        </span>
      </div>
      <p className="ticket-message-body">{message.body}</p>
      <DeliveryState spaceId={ticket.spaceId} message={message} />
    </li>
  )
}

function Composer({ ticketId, onSent }: { ticketId: string; onSent(): void }) {
  // a reply half written stays with its ticket while you look at another
  const [body, setBodyState] = useState(() => readReplyDraft(ticketId))
  const setBody = (text: string) => {
    setBodyState(text)
    writeReplyDraft(ticketId, text)
  }
  const [sending, setSending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const field = useRef<HTMLTextAreaElement>(null)

  async function send(internal: boolean) {
    if (!body.trim() || sending) return
    setSending(true)
    const failure = await sendTicketMessage(ticketId, body, internal)
    setSending(false)
    setError(failure)
    if (!failure) {
      setBody('')
      // what you just wrote is where you look next, even from further up the conversation
      onSent()
    }
    field.current?.focus()
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      void send(false)
    }
  }

  return (
    <form
      className="ticket-composer"
      onSubmit={(e) => {
        e.preventDefault()
        void send(false)
      }}
    >
      <label htmlFor="ticket-message">Message</label>
      <textarea
        id="ticket-message"
        ref={field}
        rows={3}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby="ticket-message-hint"
      />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="ticket-composer-actions">
        <button type="submit" disabled={sending || !body.trim()}>
          Send reply
        </button>
        <button
          type="button"
          className="secondary"
          disabled={sending || !body.trim()}
          onClick={() => void send(true)}
        >
          Add internal note
        </button>
        <span id="ticket-message-hint" className="muted ticket-hint">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd> (<kbd>⌘</kbd>+<kbd>Enter</kbd> on a Mac) sends the reply.
          Internal notes are seen by staff only.
        </span>
      </div>
    </form>
  )
}

/**
 * Keeps a scrolling box at its newest end: when `newest` first appears, and when it changes
 * while the reader is at the end; one reading older messages is left where they are. Answers
 * the box's scroll handler and a way to go to the end (after sending).
 */
function useFollowNewest(
  box: RefObject<HTMLElement | null>,
  newest: string | undefined,
): { onScroll(): void; toEnd(): void } {
  const atEnd = useRef(true)

  useLayoutEffect(() => {
    const element = box.current
    if (!newest || !element || !atEnd.current) return
    element.scrollTop = element.scrollHeight
  }, [box, newest])

  return {
    onScroll() {
      const element = box.current
      if (element) {
        atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48
      }
    },
    toEnd() {
      const element = box.current
      if (element) element.scrollTop = element.scrollHeight
      atEnd.current = true
    },
  }
}

/**
 * One ticket as a column: what it is and what can be done about it at the top, the escalations
 * and the conversation scrolling in between (opened at the newest message), and the reply box
 * always in view at the bottom, as in any helpdesk.
 */
export function TicketView({ ticketId }: { ticketId: string }) {
  const ticket = useFlare((s) => s.tickets[ticketId])
  const conversation = useFlare((s) => s.ticketConversation)
  const names = useMemberNames()
  const [error, setError] = useState<string | null>(null)
  const heading = useRef<HTMLHeadingElement>(null)
  const scroller = useRef<HTMLElement>(null)
  const messages =
    conversation.status === 'ready' && conversation.value.ticketId === ticketId
      ? conversation.value.messages
      : null
  const follow = useFollowNewest(scroller, messages ? (messages.at(-1)?.id ?? 'none') : undefined)

  // keyboard and screen reader users land on what they opened; the conversation keeps its place
  useEffect(() => {
    heading.current?.focus({ preventScroll: true })
  }, [])

  // a long subject shows two lines (on a phone a seven-line subject left the conversation a
  // 60 px slit); the whole of it is a press away
  const [subjectOpen, setSubjectOpen] = useState(false)
  const [subjectCut, setSubjectCut] = useState(false)
  const subject = ticket?.subject
  useLayoutEffect(() => {
    const h = heading.current
    if (!h || subject === undefined) return
    const measure = () => setSubjectCut(h.scrollHeight > h.clientHeight + 1)
    measure()
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure)
    observer?.observe(h)
    return () => observer?.disconnect()
  }, [subject])

  return (
    <section className="ticket-view" aria-labelledby="ticket-heading">
      <div className="ticket-head">
        {/* the way back beside the subject: a line less between the top and the conversation */}
        <div className="ticket-title">
          <button type="button" className="secondary small ticket-back" onClick={closeTicket}>
            ← All tickets
          </button>
          {ticket && (
            <>
              <h2
                id="ticket-heading"
                ref={heading}
                tabIndex={-1}
                className={subjectOpen ? undefined : 'clamped'}
              >
                {ticket.subject}
              </h2>
              {(subjectCut || subjectOpen) && (
                <button
                  type="button"
                  className="ghost small"
                  aria-expanded={subjectOpen}
                  onClick={() => setSubjectOpen((open) => !open)}
                >
                  {subjectOpen ? 'Less' : 'Whole subject'}
                </button>
              )}
            </>
          )}
        </div>
        {ticket && (
          <>
            <p className="ticket-meta">
              <span className={`ticket-badge status-${ticket.status}`} data-testid="ticket-status">
                {STATUS_LABEL[ticket.status]}
                {ticket.status === 'on_hold' && ticket.holdUntil
                  ? ` until ${formatFullDate(ticket.holdUntil)}`
                  : ''}
              </span>
              <SlaBadge ticket={ticket} />
              <span className="muted">
                <CustomerContact customer={ticket.customer} />
              </span>
              <span data-testid="ticket-waiting">
                <WaitingTime since={ticket.waitingSince} />
              </span>
            </p>
            {/* keyed: a hold half chosen on one ticket is not carried to the next */}
            <Controls key={ticket.id} ticket={ticket} onError={setError} />
            <OnItBar ticket={ticket} />
            <TakeEscalation ticket={ticket} />
            {error && (
              <p role="alert" className="error">
                {error}
              </p>
            )}
          </>
        )}
      </div>
      {!ticket ? (
        conversation.status === 'error' ? (
          <p role="alert" className="error">
            {conversation.message}
          </p>
        ) : (
          <p className="muted" aria-busy="true">
            Loading the ticket…
          </p>
        )
      ) : (
        <>
          <section
            ref={scroller}
            className="ticket-scroll"
            aria-label="Escalations and conversation"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
            tabIndex={0}
            data-testid="ticket-scroll"
            onScroll={follow.onScroll}
          >
            <EscalationHistory history={ticket.escalationHistory} names={names} />
            {messages ? (
              messages.length === 0 ? (
                <p className="muted">No messages yet.</p>
              ) : (
                <ol className="ticket-conversation" aria-label="Conversation">
                  {messages.map((m) => (
                    <Message key={m.id} message={m} ticket={ticket} names={names} />
                  ))}
                </ol>
              )
            ) : conversation.status === 'error' ? (
              <p role="alert" className="error">
                {conversation.message}
              </p>
            ) : (
              <p className="muted" aria-busy="true">
                Loading the conversation…
              </p>
            )}
          </section>
          <Composer key={ticketId} ticketId={ticketId} onSent={follow.toEnd} />
        </>
      )}
    </section>
  )
}

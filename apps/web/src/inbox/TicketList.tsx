import type { TicketDto, TicketPriority } from '@flare/protocol/client'
import { useEffect, useId, useRef, useState } from 'react'
import { OnItBadge } from '../automation/OnItBadge.js'
import { TicketClockIcon } from '../layout/icons.js'
import type { TicketFilter } from '../store/inbox-slice.js'
import { useFlare } from '../store/index.js'
import { customerName, PRIORITY_LABEL, STATUS_LABEL } from './format.js'
import {
  compareTickets,
  loadInbox,
  loadMoreTickets,
  matchesFilter,
  openTicket,
  setTicketFilter,
} from './inbox-actions.js'
import { SlaBadge } from './SlaBadge.js'
import { WaitingTime } from './WaitingTime.js'

const STATUS_OPTIONS: Array<[TicketFilter['status'], string]> = [
  ['active', 'Open and on hold'],
  ['open', 'Open'],
  ['on_hold', 'On hold'],
  ['resolved', 'Resolved'],
  ['closed', 'Closed'],
  ['all', 'All'],
]
const PRIORITIES: TicketPriority[] = ['urgent', 'high', 'medium', 'low']

/** What the list's selects are set to, in a few words: the closed "Filters and order" says it. */
function filterWords(filter: TicketFilter, inboxName: string | null): string {
  const words = [STATUS_OPTIONS.find(([value]) => value === filter.status)?.[1] ?? 'All']
  if (filter.priority !== 'all') words.push(PRIORITY_LABEL[filter.priority])
  if (filter.assignee === 'me') words.push('mine')
  if (filter.assignee === 'none') words.push('unassigned')
  if (inboxName) words.push(inboxName)
  words.push(filter.sort === 'longest_waiting' ? 'longest waiting first' : 'newest first')
  return words.join(' · ')
}

/**
 * The list's filters: the three that narrow to what needs someone always in view, the selects
 * (status, priority, assignee, inbox, order) behind a disclosure that says what they are set
 * to, so the tickets themselves keep the column's room.
 */
function Filters() {
  const filter = useFlare((s) => s.ticketFilter)
  const inboxes = useFlare((s) => s.inboxes)
  const inboxName =
    filter.inboxId === 'all' || inboxes.status !== 'ready'
      ? null
      : (inboxes.value.find((i) => i.id === filter.inboxId)?.name ?? null)
  return (
    <fieldset className="ticket-filters">
      <legend className="sr-only">Filter tickets</legend>
      <div className="ticket-toggles">
        <label>
          <input
            type="checkbox"
            checked={filter.escalated}
            onChange={(e) => void setTicketFilter({ escalated: e.target.checked })}
          />
          Escalated
        </label>
        <label>
          <input
            type="checkbox"
            checked={filter.waiting}
            onChange={(e) => void setTicketFilter({ waiting: e.target.checked })}
          />
          Waiting for a reply
        </label>
        <label>
          <input
            type="checkbox"
            checked={filter.slaAtRisk}
            onChange={(e) => void setTicketFilter({ slaAtRisk: e.target.checked })}
          />
          SLA at risk or breached
        </label>
      </div>
      <details className="ticket-filter-more">
        <summary>
          Filters and order <span className="muted">{filterWords(filter, inboxName)}</span>
        </summary>
        <div className="ticket-filter-selects">
          <label>
            Status
            <select
              value={filter.status}
              onChange={(e) =>
                void setTicketFilter({ status: e.target.value as TicketFilter['status'] })
              }
            >
              {STATUS_OPTIONS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Priority
            <select
              value={filter.priority}
              onChange={(e) =>
                void setTicketFilter({ priority: e.target.value as TicketFilter['priority'] })
              }
            >
              <option value="all">Any</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABEL[p]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Assignee
            <select
              value={filter.assignee}
              onChange={(e) =>
                void setTicketFilter({ assignee: e.target.value as TicketFilter['assignee'] })
              }
            >
              <option value="anyone">Anyone</option>
              <option value="me">Me</option>
              <option value="none">Unassigned</option>
            </select>
          </label>
          <label>
            Sort
            <select
              value={filter.sort}
              onChange={(e) =>
                void setTicketFilter({
                  sort: e.target.value === 'longest_waiting' ? 'longest_waiting' : 'newest',
                })
              }
            >
              <option value="newest">Newest first</option>
              <option value="longest_waiting">Longest waiting first</option>
            </select>
          </label>
          {inboxes.status === 'ready' && inboxes.value.length > 1 && (
            <label>
              Inbox
              <select
                value={filter.inboxId}
                onChange={(e) => void setTicketFilter({ inboxId: e.target.value })}
              >
                <option value="all">All inboxes</option>
                {inboxes.value.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </details>
    </fieldset>
  )
}

/** How far a ticket has escalated: the highest level reached, with the ticket escalation's icon. */
function EscalationLevel({ ticket }: { ticket: TicketDto }) {
  const level = Math.max(0, ...ticket.escalationHistory.map((e) => e.level))
  if (level === 0) return null
  return (
    <span className="escalation-level" title="Ticket escalation level reached">
      <TicketClockIcon />
      Level {level}
    </span>
  )
}

/**
 * One ticket in the list. Its name is its subject (two lines at most, the whole of it on
 * hover); the badges, the people, the waiting time and the preview describe it, so a screen
 * reader going down the list hears subjects first.
 */
function TicketRow({
  ticket: t,
  selected,
  names,
}: {
  ticket: TicketDto
  selected: boolean
  names: ReadonlyMap<string, string>
}) {
  const id = useId()
  return (
    <button
      type="button"
      className={selected ? 'ticket-row selected' : 'ticket-row'}
      aria-current={selected ? 'true' : undefined}
      aria-labelledby={`${id}-subject`}
      aria-describedby={t.preview ? `${id}-meta ${id}-preview` : `${id}-meta`}
      data-ticket-id={t.id}
      onClick={() => void openTicket(t.id)}
    >
      <span className="ticket-subject" id={`${id}-subject`} title={t.subject}>
        {t.subject}
      </span>
      <span className="ticket-meta" id={`${id}-meta`}>
        <span className={`ticket-badge status-${t.status}`}>{STATUS_LABEL[t.status]}</span>
        <span className={`ticket-badge priority-${t.priority}`}>{PRIORITY_LABEL[t.priority]}</span>
        <SlaBadge ticket={t} />
        <EscalationLevel ticket={t} />
        <OnItBadge ticket={t} />
        {/* who wrote, then who has it: two names side by side read as two customers */}
        <span className="ticket-people muted">
          {customerName(t.customer)}
          {t.assignedToUserId ? (
            <>
              <span aria-hidden="true"> → </span>
              <span className="sr-only"> assigned to </span>
              {names.get(t.assignedToUserId) ?? 'Someone'}
            </>
          ) : (
            ' · unassigned'
          )}
        </span>
        <WaitingTime since={t.waitingSince} />
      </span>
      {t.preview && (
        <span className="ticket-preview muted" id={`${id}-preview`}>
          {t.preview}
        </span>
      )}
    </button>
  )
}

/** The tickets of the space under the chosen filters, in the chosen order, updating live. */
export function TicketList() {
  const list = useFlare((s) => s.ticketList)
  const tickets = useFlare((s) => s.tickets)
  const filter = useFlare((s) => s.ticketFilter)
  const me = useFlare((s) => s.snapshot?.you ?? null)
  const selected = useFlare((s) => s.selectedTicketId)
  const space = useFlare((s) => s.space)
  const names = new Map(
    space.status === 'ready' ? space.value.members.map((m) => [m.userId, m.displayName]) : [],
  )
  const shown = Object.values(tickets)
    .filter((t) => matchesFilter(t, filter, me))
    .sort(compareTickets(filter.sort))
  const listRef = useRef<HTMLUListElement>(null)
  const moreRef = useRef<HTMLButtonElement>(null)
  // the first ticket the last page brought, to be focused once it is drawn
  const [focusTicket, setFocusTicket] = useState<string | null>(null)

  useEffect(() => {
    if (!focusTicket) return
    listRef.current?.querySelector<HTMLButtonElement>(`[data-ticket-id="${focusTicket}"]`)?.focus()
    setFocusTicket(null)
  }, [focusTicket])

  async function loadMore() {
    const before = new Set(shown.map((t) => t.id))
    await loadMoreTickets()
    const s = useFlare.getState()
    // the button stays while there is more (and keeps focus: it is never disabled); on the
    // last page it goes, and focus goes to the first ticket that page brought, not to the body
    if (s.ticketList.nextCursor || s.ticketList.message) return
    const active = document.activeElement
    if (active !== moreRef.current && active !== document.body && active !== null) return
    const first = Object.values(s.tickets)
      .filter((t) => matchesFilter(t, s.ticketFilter, me) && !before.has(t.id))
      .sort(compareTickets(s.ticketFilter.sort))[0]
    if (first) setFocusTicket(first.id)
  }

  return (
    <section aria-labelledby="tickets-heading" className="ticket-list">
      <h2 id="tickets-heading">Tickets</h2>
      <Filters />
      {list.status === 'error' ? (
        <div role="alert" className="error">
          <p>{list.message}</p>
          <button type="button" className="secondary" onClick={() => void loadInbox()}>
            Try again
          </button>
        </div>
      ) : list.status !== 'ready' ? (
        <p className="muted" aria-busy="true">
          Loading tickets…
        </p>
      ) : shown.length === 0 ? (
        <p className="muted">No tickets here. New customer messages appear as they arrive.</p>
      ) : (
        <ul className="tickets" aria-label="Tickets" ref={listRef}>
          {shown.map((t) => (
            <li key={t.id}>
              <TicketRow ticket={t} selected={t.id === selected} names={names} />
            </li>
          ))}
        </ul>
      )}
      {list.status === 'ready' && list.message && (
        <p role="alert" className="error">
          {list.message}
        </p>
      )}
      {list.status === 'ready' && list.nextCursor && (
        <button
          type="button"
          className="secondary"
          ref={moreRef}
          aria-disabled={list.loadingMore}
          aria-busy={list.loadingMore}
          onClick={() => void loadMore()}
        >
          {list.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  )
}

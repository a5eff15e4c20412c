import type { TicketDto, TicketPriority } from '@flare/protocol/client'
import { OnItBadge } from '../automation/OnItBadge.js'
import { TicketClockIcon } from '../layout/icons.js'
import type { TicketFilter } from '../store/inbox-slice.js'
import { useFlare } from '../store/index.js'
import { customerName, PRIORITY_LABEL, STATUS_LABEL } from './format.js'
import {
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

function Filters() {
  const filter = useFlare((s) => s.ticketFilter)
  const inboxes = useFlare((s) => s.inboxes)
  return (
    <fieldset className="ticket-filters">
      <legend className="sr-only">Filter tickets</legend>
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

/** The tickets of the space under the chosen filters, newest first, updating live. */
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
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))

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
        <ul className="tickets" aria-label="Tickets">
          {shown.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                className={t.id === selected ? 'ticket-row selected' : 'ticket-row'}
                aria-current={t.id === selected ? 'true' : undefined}
                data-ticket-id={t.id}
                onClick={() => void openTicket(t.id)}
              >
                <span className="ticket-subject">{t.subject}</span>
                <span className="ticket-meta">
                  <span className={`ticket-badge status-${t.status}`}>
                    {STATUS_LABEL[t.status]}
                  </span>
                  <span className={`ticket-badge priority-${t.priority}`}>
                    {PRIORITY_LABEL[t.priority]}
                  </span>
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
                {t.preview && <span className="ticket-preview muted">{t.preview}</span>}
              </button>
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
          disabled={list.loadingMore}
          onClick={() => void loadMoreTickets()}
        >
          {list.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  )
}

import type { EscalationRule, PerspectiveItem } from '@flare/protocol/client'
import { useEffect, useState } from 'react'
import { nameOf } from '../automation/automation-socket.js'
import { openTicket } from '../inbox/inbox-actions.js'
import { RelativeTime } from '../layout/RelativeTime.js'
import { listOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import {
  fetchRules,
  loadMorePerspective,
  loadPerspective,
  resetPerspectiveFilter,
} from './supervisor-actions.js'

const LEVELS = ['1', '2', '3', '4', '5']

function Notified({ item }: { item: PerspectiveItem }) {
  const names = item.notifiedUserIds.map(nameOf)
  if (item.notifiedAddress) names.push(item.notifiedAddress)
  return <>{names.length > 0 ? listOf(names) : 'Nobody (no target was found)'}</>
}

function Row({ item, inboxName }: { item: PerspectiveItem; inboxName: string }) {
  const { ticket } = item
  return (
    <tr className={item.acknowledgedBy ? 'perspective-row acknowledged' : 'perspective-row'}>
      <td className="card-title">
        <button type="button" className="link" onClick={() => void openTicket(ticket.id)}>
          {ticket.subject}
        </button>
        <span className="muted perspective-sub">
          {ticket.customerName ?? 'Customer'} · {inboxName} · {ticket.priority} · {ticket.status}
          {ticket.assignedToUserId ? ` · ${nameOf(ticket.assignedToUserId)}` : ' · unassigned'}
        </span>
      </td>
      <td data-label="Level">
        <span className="level-chip">Level {item.level}</span>
        {ticket.escalationLevel === 0 && ticket.status === 'open' && (
          <span className="muted perspective-sub">answered since</span>
        )}
      </td>
      <td data-label="Rule">
        {item.ruleName}
        {ticket.escalationCount > 1 && (
          <span className="muted perspective-sub">{ticket.escalationCount} escalations in all</span>
        )}
      </td>
      <td data-label="Notified">
        <Notified item={item} />
      </td>
      <td data-label="Acknowledged">
        {item.acknowledgedBy && item.acknowledgedAt ? (
          <>
            {nameOf(item.acknowledgedBy)}{' '}
            <span className="muted perspective-sub">
              <RelativeTime iso={item.acknowledgedAt} />
            </span>
          </>
        ) : (
          <span className="not-acknowledged">Not yet</span>
        )}
      </td>
      <td data-label="Escalated">
        <RelativeTime iso={item.escalatedAt} />
      </td>
    </tr>
  )
}

/**
 * The perspective (SPEC §8.3): tickets that received an escalation, newest first, live, with
 * the level, the rule, who was notified, who acknowledged and how long ago. Filters by inbox,
 * level, rule and assignee; a ticket opens in the inbox.
 */
export function PerspectivePanel() {
  const perspective = useFlare((s) => s.perspective)
  // the loadable itself, not a list made here: a new [] on each read would render forever
  const inboxState = useFlare((s) => s.inboxes)
  const inboxes = inboxState.status === 'ready' ? inboxState.value : []
  const space = useFlare((s) => s.space)
  const members = space.status === 'ready' ? space.value.members : []
  const [rules, setRules] = useState<EscalationRule[]>([])
  const { filter } = perspective

  useEffect(() => {
    void loadPerspective()
    void fetchRules().then((r) => r.ok && setRules(r.value))
  }, [])

  const inboxName = (id: string) => inboxes.find((i) => i.id === id)?.name ?? 'An inbox'
  const filtered = Object.values(filter).some(Boolean)

  return (
    <div className="perspective-panel">
      <form className="supervisor-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Inbox
          <select
            value={filter.inboxId}
            onChange={(e) => void loadPerspective({ inboxId: e.target.value })}
          >
            <option value="">All inboxes</option>
            {inboxes.map((inbox) => (
              <option key={inbox.id} value={inbox.id}>
                {inbox.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Level
          <select
            value={filter.level}
            onChange={(e) => void loadPerspective({ level: e.target.value })}
          >
            <option value="">Any level</option>
            {LEVELS.map((level) => (
              <option key={level} value={level}>
                Level {level}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rule
          <select
            value={filter.ruleId}
            onChange={(e) => void loadPerspective({ ruleId: e.target.value })}
          >
            <option value="">Any rule</option>
            {rules.map((rule) => (
              <option key={rule.id} value={rule.id}>
                {rule.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Assignee
          <select
            value={filter.assignee}
            onChange={(e) => void loadPerspective({ assignee: e.target.value })}
          >
            <option value="">Anyone</option>
            <option value="none">Unassigned</option>
            {members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.displayName}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button
            type="button"
            className="secondary small"
            onClick={() => void resetPerspectiveFilter()}
          >
            Clear filters
          </button>
        )}
      </form>
      {perspective.message && (
        <p role="alert" className="error">
          {perspective.message}
        </p>
      )}
      {perspective.status === 'ready' && perspective.items.length === 0 ? (
        <p className="muted empty">
          {filtered
            ? 'No escalated tickets match these filters.'
            : 'No ticket has been escalated yet.'}
        </p>
      ) : (
        // below 600 px of pane each row becomes a card of labelled values (supervisor.css)
        <div className="table-scroll">
          <table className="perspective cards" aria-busy={perspective.status === 'loading'}>
            <caption className="sr-only">
              Escalated tickets, newest escalation first; the list updates by itself
            </caption>
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Level</th>
                <th scope="col">Rule</th>
                <th scope="col">Notified</th>
                <th scope="col">Acknowledged</th>
                <th scope="col">Escalated</th>
              </tr>
            </thead>
            <tbody>
              {perspective.items.map((item) => (
                <Row key={item.ticket.id} item={item} inboxName={inboxName(item.ticket.inboxId)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {perspective.status === 'loading' && <p className="muted">Loading escalated tickets…</p>}
      {perspective.nextCursor && perspective.status === 'ready' && (
        <button type="button" className="secondary" onClick={() => void loadMorePerspective()}>
          Show older
        </button>
      )}
    </div>
  )
}

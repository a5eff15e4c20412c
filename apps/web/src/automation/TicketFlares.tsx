import type {
  EscalationHistoryEntryDto,
  FloorPlan,
  MemberPresence,
  TicketDto,
} from '@flare/protocol/client'
import type { CSSProperties } from 'react'
import { placeOn, useStageWidth, type View } from '../components/map-view.js'
import { openTicket } from '../inbox/inbox-actions.js'
import { TicketClockIcon } from '../layout/icons.js'
import { setPhoneTab, showMain } from '../layout/layout-actions.js'
import { displayNameOf } from '../layout/people.js'
import { PHONE_QUERY, useMediaQuery } from '../layout/useMediaQuery.js'
import { countOf, listOf } from '../layout/words.js'
import { useFlare } from '../store/index.js'
import { inForce } from './OnItBadge.js'
import './flares.css'

// Ticket escalations on the map (SPEC §6.6): a rule that fires flares up over the space, as a
// raised hand does. Everyone sees where: an amber ring and clock on the avatar of the person it
// went to, a tag on the team area of a team it went to, and a count of escalated tickets in the
// map's corner (which also covers targets with no place on the map: an email, a phone, someone
// not here). It lasts while the ticket is open and unanswered, as its escalation level does.

export interface EscalatedTicket {
  ticket: TicketDto
  /** The firing that raised it to its current level. */
  latest: EscalationHistoryEntryDto
}

/** Open tickets that escalated and are still unanswered, the most recently escalated first. */
export function escalatedTickets(tickets: Record<string, TicketDto>): EscalatedTicket[] {
  return Object.values(tickets)
    .flatMap((ticket) => {
      if (ticket.status !== 'open' || ticket.escalationLevel === 0) return []
      const latest = [...ticket.escalationHistory].sort((a, b) =>
        b.escalatedAt.localeCompare(a.escalatedAt),
      )[0]
      return latest ? [{ ticket, latest }] : []
    })
    .sort((a, b) => b.latest.escalatedAt.localeCompare(a.latest.escalatedAt))
}

/** The ids a firing went to: a member, a group, or an address that is on no map. */
function targetsOf(entry: EscalationHistoryEntryDto): string[] {
  return (entry.escalatedTo ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
}

/** Who is on the ticket (SPEC §11.2), as the map says it: "Dana Reyes is on it." */
function onIt(ticket: TicketDto): string | null {
  const [taken] = inForce(ticket, Date.now())
  return taken ? `${displayNameOf(taken.userId)} is on it.` : null
}

/** How many subjects a flare's name lists before "and N more". */
const NAMED_SUBJECTS = 3

function describe(escalated: readonly EscalatedTicket[], whom: string): string {
  const [first] = escalated
  if (escalated.length === 1 && first) {
    const taken = onIt(first.ticket)
    return `Ticket escalation, level ${first.ticket.escalationLevel}, to ${whom}: ${first.ticket.subject}.${taken ? ` ${taken}` : ''} Open the ticket.`
  }
  // the newest few by name: a name that lists 49 subjects is no name
  const named = escalated
    .slice(0, NAMED_SUBJECTS)
    .map((e) => `${e.ticket.subject} (level ${e.ticket.escalationLevel})`)
  const more = escalated.length - named.length
  const subjects = more > 0 ? [...named, `${more} more`] : named
  return `${countOf(escalated.length, 'ticket escalation', 'ticket escalations')} to ${whom}: ${listOf(subjects)}. Open the newest.`
}

function shortText(escalated: readonly EscalatedTicket[]): string {
  const [first] = escalated
  if (!first) return ''
  const more = escalated.length > 1 ? ` +${escalated.length - 1}` : ''
  const taken = escalated.length === 1 && onIt(first.ticket) ? ' · on it' : ''
  return `Level ${first.ticket.escalationLevel} · ${first.ticket.subject}${more}${taken}`
}

function group<K>(pairs: ReadonlyArray<[K, EscalatedTicket]>): Map<K, EscalatedTicket[]> {
  const byKey = new Map<K, EscalatedTicket[]>()
  for (const [key, escalated] of pairs) byKey.set(key, [...(byKey.get(key) ?? []), escalated])
  return byKey
}

/**
 * The flares of escalated tickets over the map, placed over the part of the world the stage
 * shows (`view`). `compact` (the mini-map) draws just the rings and clocks, with nothing to press.
 */
export function TicketFlares({
  view,
  plan,
  compact = false,
}: {
  view: View
  plan: FloorPlan
  compact?: boolean
}) {
  const tickets = useFlare((s) => s.tickets)
  const members = useFlare((s) => s.snapshot?.members)
  const groups = useFlare((s) => (s.space.status === 'ready' ? s.space.value.groups : null))
  const [ref, stageWidth] = useStageWidth()
  const escalated = escalatedTickets(tickets)
  if (escalated.length === 0 || !members) return <div className="ticket-flares" ref={ref} />

  const present = new Map<string, MemberPresence>(members.map((m) => [m.userId, m]))
  const teams = new Map((groups ?? []).map((g) => [g.id, g]))
  const byPerson = group(
    escalated.flatMap((e) =>
      targetsOf(e.latest)
        .filter((id) => present.has(id))
        .map((id): [string, EscalatedTicket] => [id, e]),
    ),
  )
  const byTeam = group(
    escalated.flatMap((e) =>
      targetsOf(e.latest)
        .filter((id) => teams.has(id))
        .map((id): [string, EscalatedTicket] => [id, e]),
    ),
  )
  // the avatar's ring, in pixels: the flare circles it at any zoom
  const ring = stageWidth > 0 ? (2 * 31 * stageWidth) / view.width : 0

  return (
    <div className={compact ? 'ticket-flares compact' : 'ticket-flares'} ref={ref}>
      {[...byPerson].map(([userId, list]) => {
        const member = present.get(userId)
        const first = list[0]
        if (!member || !first) return null
        const style = {
          ...placeOn(view, member.x, member.y),
          '--ring': `${ring}px`,
        } as CSSProperties
        const label = describe(list, member.displayName)
        // someone is on every one of them: the flare stops pulsing, the text says who
        const calm = list.every((e) => onIt(e.ticket) !== null)
        return (
          <div
            key={userId}
            className={calm ? 'ticket-flare taken' : 'ticket-flare'}
            style={style}
            data-user-id={userId}
          >
            <span className="ticket-flare-ring" aria-hidden="true" />
            {compact ? (
              <span className="ticket-flare-badge" aria-hidden="true">
                <TicketClockIcon />
              </span>
            ) : (
              <button
                type="button"
                className="ticket-flare-badge"
                aria-label={label}
                title={label}
                onClick={() => void openTicket(first.ticket.id)}
              >
                <TicketClockIcon />
                {list.length > 1 && <span className="ticket-flare-count">{list.length}</span>}
                <span className="ticket-flare-tip" aria-hidden="true">
                  {shortText(list)}
                </span>
              </button>
            )}
          </div>
        )
      })}
      {!compact &&
        [...byTeam].map(([teamId, list]) => {
          const team = teams.get(teamId)
          const zone = plan.zones.find((z) => z.kind === 'team' && z.label === team?.name)
          const first = list[0]
          if (!team || !zone || !first) return null
          const label = describe(list, team.name)
          return (
            <button
              key={teamId}
              type="button"
              className="ticket-flare-tag"
              style={placeOn(view, zone.x + zone.width - 12, zone.y + 24)}
              data-team-id={teamId}
              aria-label={label}
              title={label}
              onClick={() => void openTicket(first.ticket.id)}
            >
              <TicketClockIcon />
              <span className="ticket-flare-text">{shortText(list)}</span>
            </button>
          )
        })}
    </div>
  )
}

/**
 * How many tickets of the whole space are escalated and unanswered, as the server counts them
 * (SPEC §4.2 `counts`, kept current by the inbox); only until the first list page brings that
 * count, the ones this page has heard of. The flares themselves stay with the loaded tickets.
 */
export function useEscalatedTicketCount(): number {
  return useFlare((s) => s.ticketCounts?.escalated ?? escalatedTickets(s.tickets).length)
}

/**
 * How many tickets are escalated and unanswered, in the map's corner, so everyone sees that a
 * customer is waiting too long, whoever the rule went to. It opens the inbox.
 */
export function EscalatedTicketsChip() {
  const phone = useMediaQuery(PHONE_QUERY)
  const count = useEscalatedTicketCount()
  if (count === 0) return null
  return (
    <button
      type="button"
      className="map-chip ticket-chip"
      onClick={() => (phone ? setPhoneTab('inbox') : showMain('inbox'))}
    >
      <TicketClockIcon />
      {countOf(count, 'ticket escalated', 'tickets escalated')}
    </button>
  )
}

import type {
  TicketCounts,
  TicketDto,
  TicketMessageDto,
  TicketSort,
  TicketUpdate,
} from '@flare/protocol'
import { ApiRequestError } from '../api.js'
import type { TicketFilter } from '../store/inbox-slice.js'
import { useFlare } from '../store/index.js'
import { inboxApi } from './inbox-api.js'

// The inbox's module-level actions: components call these, never fetch or the socket.

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.'
}

const PAGE_SIZE = '50'

/** The REST query for a filter. */
export function queryOf(filter: TicketFilter): Record<string, string> {
  const query: Record<string, string> = { limit: PAGE_SIZE }
  if (filter.status === 'active') query.status = 'open,on_hold'
  else if (filter.status !== 'all') query.status = filter.status
  if (filter.priority !== 'all') query.priority = filter.priority
  if (filter.assignee !== 'anyone') query.assignee = filter.assignee
  if (filter.inboxId !== 'all') query.inboxId = filter.inboxId
  if (filter.escalated) query.escalated = 'true'
  if (filter.waiting) query.waiting = 'true'
  if (filter.slaAtRisk) query.slaStatus = 'at_risk,breached'
  if (filter.sort !== 'newest') query.sort = filter.sort
  return query
}

/** Whether a ticket belongs in the list under a filter (live tickets are placed by it). */
export function matchesFilter(ticket: TicketDto, filter: TicketFilter, me: string | null): boolean {
  if (filter.status === 'active' && ticket.status !== 'open' && ticket.status !== 'on_hold')
    return false
  if (filter.status !== 'active' && filter.status !== 'all' && ticket.status !== filter.status)
    return false
  if (filter.priority !== 'all' && ticket.priority !== filter.priority) return false
  if (filter.assignee === 'none' && ticket.assignedToUserId !== null) return false
  if (filter.assignee === 'me' && ticket.assignedToUserId !== me) return false
  if (filter.inboxId !== 'all' && ticket.inboxId !== filter.inboxId) return false
  // as the server reads `escalated=true`, `waiting=true` and `slaStatus=at_risk,breached`
  if (filter.escalated && ticket.lastEscalatedAt === null) return false
  if (filter.waiting && ticket.waitingSince === null) return false
  if (filter.slaAtRisk && ticket.slaStatus !== 'at_risk' && ticket.slaStatus !== 'breached')
    return false
  return true
}

function newestFirst(a: TicketDto, b: TicketDto): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

function longestWaitingFirst(a: TicketDto, b: TicketDto): number {
  if (a.waitingSince !== b.waitingSince) {
    if (a.waitingSince === null) return 1
    if (b.waitingSince === null) return -1
    return a.waitingSince < b.waitingSince ? -1 : 1
  }
  return newestFirst(a, b)
}

/** The list's order, as the server pages it (SPEC §4.2), for the tickets it shows. */
export function compareTickets(sort: TicketSort): (a: TicketDto, b: TicketDto) => number {
  return sort === 'longest_waiting' ? longestWaitingFirst : newestFirst
}

/** Keeps the newer of two versions of a ticket: a list page may arrive after a live event. */
export function storeTicket(ticket: TicketDto): void {
  useFlare.setState((s) => {
    const known = s.tickets[ticket.id]
    if (known && known.updatedAt > ticket.updatedAt) return {}
    return { tickets: { ...s.tickets, [ticket.id]: ticket } }
  })
}

/** Adds a message to the open conversation, once; a known one is replaced (its delivery state moved). */
export function storeMessage(message: TicketMessageDto): void {
  useFlare.setState((s) => {
    const c = s.ticketConversation
    if (c.status !== 'ready' || c.value.ticketId !== message.ticketId) return {}
    if (c.value.messages.some((m) => m.id === message.id)) {
      return {
        ticketConversation: {
          status: 'ready',
          value: {
            ...c.value,
            messages: c.value.messages.map((m) => (m.id === message.id ? message : m)),
          },
        },
      }
    }
    return {
      ticketConversation: {
        status: 'ready',
        value: { ...c.value, messages: [...c.value.messages, message] },
      },
    }
  })
}

// The space's counts (SPEC §4.2.1): the server tells every page after tickets change
// (`ticket:counts`, counted once for everyone, about once a second at most), and every list
// page carries them too. A page's answer is applied only if no newer word came while it was on
// its way: a request notes `countsTold` when it starts, and `applyCounts` compares.
let countsTold = 0

function applyCounts(asked: number, counts: TicketCounts): void {
  if (asked === countsTold) useFlare.setState({ ticketCounts: counts })
}

/** The server's word on the space's counts (`ticket:counts`). */
export function receiveTicketCounts(counts: TicketCounts): void {
  countsTold += 1
  useFlare.setState({ ticketCounts: counts })
}

async function loadFirstPage(spaceId: string): Promise<void> {
  const filter = useFlare.getState().ticketFilter
  useFlare.setState((s) => ({
    ticketList: { ...s.ticketList, status: 'loading', message: null, loadingMore: false },
  }))
  const asked = countsTold
  try {
    const page = await inboxApi.tickets(spaceId, queryOf(filter))
    // a newer filter's answer wins
    if (useFlare.getState().ticketFilter !== filter) return
    for (const ticket of page.tickets) storeTicket(ticket)
    applyCounts(asked, page.counts)
    useFlare.setState({
      ticketList: {
        status: 'ready',
        message: null,
        nextCursor: page.nextCursor,
        loadingMore: false,
      },
    })
  } catch (error) {
    if (useFlare.getState().ticketFilter !== filter) return
    useFlare.setState({
      ticketList: {
        status: 'error',
        message: messageOf(error),
        nextCursor: null,
        loadingMore: false,
      },
    })
  }
}

/** Loads the inboxes and the first page of tickets of the current space. */
export async function loadInbox(): Promise<void> {
  const spaceId = useFlare.getState().spaceId
  if (!spaceId) return
  useFlare.setState({ inboxes: { status: 'loading' } })
  const inboxes = inboxApi.inboxes(spaceId).then(
    (r) => useFlare.setState({ inboxes: { status: 'ready', value: r.inboxes } }),
    (error: unknown) =>
      useFlare.setState({ inboxes: { status: 'error', message: messageOf(error) } }),
  )
  await Promise.all([inboxes, loadFirstPage(spaceId)])
}

export async function setTicketFilter(change: Partial<TicketFilter>): Promise<void> {
  const spaceId = useFlare.getState().spaceId
  useFlare.setState((s) => ({ ticketFilter: { ...s.ticketFilter, ...change } }))
  if (spaceId) await loadFirstPage(spaceId)
}

export async function loadMoreTickets(): Promise<void> {
  const { spaceId, ticketList, ticketFilter } = useFlare.getState()
  if (!spaceId || !ticketList.nextCursor || ticketList.loadingMore) return
  useFlare.setState({ ticketList: { ...ticketList, loadingMore: true } })
  const asked = countsTold
  try {
    const page = await inboxApi.tickets(spaceId, {
      ...queryOf(ticketFilter),
      cursor: ticketList.nextCursor,
    })
    if (useFlare.getState().ticketFilter !== ticketFilter) return
    for (const ticket of page.tickets) storeTicket(ticket)
    applyCounts(asked, page.counts)
    useFlare.setState({
      ticketList: {
        status: 'ready',
        message: null,
        nextCursor: page.nextCursor,
        loadingMore: false,
      },
    })
  } catch (error) {
    useFlare.setState((s) => ({
      ticketList: { ...s.ticketList, loadingMore: false, message: messageOf(error) },
    }))
  }
}

/** Opens a ticket's view and loads its conversation. */
export async function openTicket(ticketId: string): Promise<void> {
  const spaceId = useFlare.getState().spaceId
  if (!spaceId) return
  useFlare.setState({ selectedTicketId: ticketId, ticketConversation: { status: 'loading' } })
  try {
    const { ticket, messages } = await inboxApi.ticket(spaceId, ticketId)
    if (useFlare.getState().selectedTicketId !== ticketId) return
    storeTicket(ticket)
    useFlare.setState({ ticketConversation: { status: 'ready', value: { ticketId, messages } } })
  } catch (error) {
    if (useFlare.getState().selectedTicketId !== ticketId) return
    useFlare.setState({ ticketConversation: { status: 'error', message: messageOf(error) } })
  }
}

export function closeTicket(): void {
  useFlare.setState({ selectedTicketId: null, ticketConversation: { status: 'idle' } })
}

/** A reply to the customer, or an internal note; resolves to an error message or null. */
export async function sendTicketMessage(
  ticketId: string,
  body: string,
  internal: boolean,
): Promise<string | null> {
  const spaceId = useFlare.getState().spaceId
  if (!spaceId) return 'Not in a space.'
  try {
    const result = await inboxApi.post(spaceId, ticketId, internal ? 'notes' : 'replies', body)
    storeTicket(result.ticket)
    storeMessage(result.message)
    return null
  } catch (error) {
    return messageOf(error)
  }
}

/** Changes a ticket (status, hold, priority, assignee); resolves to an error message or null. */
export async function updateTicket(ticketId: string, change: TicketUpdate): Promise<string | null> {
  const spaceId = useFlare.getState().spaceId
  if (!spaceId) return 'Not in a space.'
  try {
    const { ticket } = await inboxApi.update(spaceId, ticketId, change)
    storeTicket(ticket)
    return null
  } catch (error) {
    return messageOf(error)
  }
}

/** After a reconnect: whatever was missed is fetched again rather than trusted. */
export async function refreshInbox(): Promise<void> {
  const { spaceId, ticketList, selectedTicketId } = useFlare.getState()
  if (!spaceId || ticketList.status === 'idle') return
  await loadFirstPage(spaceId)
  if (selectedTicketId) await openTicket(selectedTicketId)
}

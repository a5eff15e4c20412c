import type {
  InboxDto,
  TicketCounts,
  TicketDto,
  TicketMessageDto,
  TicketPriority,
  TicketSort,
} from '@flare/protocol'
import type { StateCreator } from 'zustand'
import type { FlareState, Loadable } from './index.js'

/** What the ticket list shows; `active` = open or on hold. */
export interface TicketFilter {
  status: 'active' | 'open' | 'on_hold' | 'resolved' | 'closed' | 'all'
  priority: TicketPriority | 'all'
  assignee: 'anyone' | 'me' | 'none'
  inboxId: string | 'all'
  /** Only tickets escalated at least once (the server's `escalated=true`). */
  escalated: boolean
  /** Only tickets waiting on staff now (`waiting=true`). */
  waiting: boolean
  /** Only tickets whose SLA is at risk or breached. */
  slaAtRisk: boolean
  sort: TicketSort
}

export const DEFAULT_TICKET_FILTER: TicketFilter = {
  status: 'active',
  priority: 'all',
  assignee: 'anyone',
  inboxId: 'all',
  escalated: false,
  waiting: false,
  slaAtRisk: false,
  sort: 'newest',
}

export interface TicketListState {
  status: 'idle' | 'loading' | 'ready' | 'error'
  message: string | null
  nextCursor: string | null
  loadingMore: boolean
}

/** Inbox state. Owned by the inbox feature. */
export interface InboxSlice {
  inboxes: Loadable<InboxDto[]>
  ticketFilter: TicketFilter
  ticketList: TicketListState
  /**
   * The space's waiting and escalated tickets as the server counts them (all of them, not the
   * ones loaded); null until the list first loads.
   */
  ticketCounts: TicketCounts | null
  /** Every ticket we know of by id: list pages, live events and the open ticket. */
  tickets: Record<string, TicketDto>
  selectedTicketId: string | null
  /** The conversation of the open ticket, oldest first. */
  ticketConversation: Loadable<{ ticketId: string; messages: TicketMessageDto[] }>
}

export const createInboxSlice: StateCreator<FlareState, [], [], InboxSlice> = () => ({
  inboxes: { status: 'idle' },
  ticketFilter: DEFAULT_TICKET_FILTER,
  ticketList: { status: 'idle', message: null, nextCursor: null, loadingMore: false },
  ticketCounts: null,
  tickets: {},
  selectedTicketId: null,
  ticketConversation: { status: 'idle' },
})

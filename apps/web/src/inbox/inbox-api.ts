import type {
  InboxListResponse,
  TicketListResponse,
  TicketMessageResponse,
  TicketOnlyResponse,
  TicketResponse,
  TicketUpdate,
} from '@flare/protocol'
import { fetchApi } from '../api.js'

const space = (spaceId: string) => `/spaces/${encodeURIComponent(spaceId)}`

/** The inbox feature's REST calls; only the inbox actions use them. */
export const inboxApi = {
  inboxes: (spaceId: string) => fetchApi<InboxListResponse>('GET', `${space(spaceId)}/inboxes`),
  tickets: (spaceId: string, query: Record<string, string>) => {
    const qs = new URLSearchParams(query).toString()
    return fetchApi<TicketListResponse>('GET', `${space(spaceId)}/tickets${qs ? `?${qs}` : ''}`)
  },
  ticket: (spaceId: string, ticketId: string) =>
    fetchApi<TicketResponse>('GET', `${space(spaceId)}/tickets/${encodeURIComponent(ticketId)}`),
  update: (spaceId: string, ticketId: string, body: TicketUpdate) =>
    fetchApi<TicketOnlyResponse>(
      'PATCH',
      `${space(spaceId)}/tickets/${encodeURIComponent(ticketId)}`,
      body,
    ),
  post: (spaceId: string, ticketId: string, kind: 'replies' | 'notes', body: string) =>
    fetchApi<TicketMessageResponse>(
      'POST',
      `${space(spaceId)}/tickets/${encodeURIComponent(ticketId)}/${kind}`,
      { body },
    ),
}

import type {
  InboxListResponse,
  TicketDto,
  TicketListResponse,
  TicketMessageResponse,
  TicketResponse,
  TicketUpdate,
} from '@flare/protocol'
import { request } from '../api.js'

const space = (spaceId: string) => `/spaces/${encodeURIComponent(spaceId)}`

/** The inbox feature's REST calls; only the inbox actions use them. */
export const inboxApi = {
  inboxes: (spaceId: string) => request<InboxListResponse>('GET', `${space(spaceId)}/inboxes`),
  tickets: (spaceId: string, query: Record<string, string>) => {
    const qs = new URLSearchParams(query).toString()
    return request<TicketListResponse>('GET', `${space(spaceId)}/tickets${qs ? `?${qs}` : ''}`)
  },
  ticket: (spaceId: string, ticketId: string) =>
    request<TicketResponse>('GET', `${space(spaceId)}/tickets/${encodeURIComponent(ticketId)}`),
  update: (spaceId: string, ticketId: string, body: TicketUpdate) =>
    request<{ ticket: TicketDto }>(
      'PATCH',
      `${space(spaceId)}/tickets/${encodeURIComponent(ticketId)}`,
      body,
    ),
  post: (spaceId: string, ticketId: string, kind: 'replies' | 'notes', body: string) =>
    request<TicketMessageResponse>(
      'POST',
      `${space(spaceId)}/tickets/${encodeURIComponent(ticketId)}/${kind}`,
      { body },
    ),
}

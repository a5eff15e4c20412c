import { setSidePanelTab } from '../chat/chat-actions.js'
import { openTicket } from '../inbox/inbox-actions.js'

/**
 * A notification's link (`/t/:id` → `/spaces/:spaceId?ticket=:id`) opens that ticket in the
 * inbox tab. Reads the address before the space page tidies it.
 */
export function ticketLinkedIn(search: string): string | null {
  const id = new URLSearchParams(search).get('ticket')
  return id && /^[0-9a-f-]{36}$/i.test(id) ? id : null
}

export function openLinkedTicket(ticketId: string): void {
  setSidePanelTab('inbox')
  void openTicket(ticketId)
}

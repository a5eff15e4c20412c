import { useFlare } from '../store/index.js'
import { storeTicket } from './inbox-actions.js'
import { inboxApi } from './inbox-api.js'

// tickets already asked for in this page: an alert card asks once, not on every render
const asked = new Set<string>()

/**
 * Makes sure the store knows a ticket (its customer's phone and email, its waiting clock) when
 * only an event named it, e.g. a ticket escalation card. Fails quietly: the card still shows
 * what the event carried.
 */
export async function loadTicketFacts(ticketId: string): Promise<void> {
  const { spaceId, tickets } = useFlare.getState()
  if (!spaceId || tickets[ticketId] || asked.has(ticketId)) return
  asked.add(ticketId)
  try {
    storeTicket((await inboxApi.ticket(spaceId, ticketId)).ticket)
  } catch {
    asked.delete(ticketId)
  }
}

import type { FlareClientSocket } from '../socket.js'
import { announce, useFlare } from '../store/index.js'
import { refreshInbox, storeMessage, storeTicket } from './inbox-actions.js'

/** Applies the inbox feature's server events to the store. Called once per connection. */
export function registerInboxEvents(socket: FlareClientSocket): void {
  socket.on('ticket:created', (ticket) => {
    const isNew = !useFlare.getState().tickets[ticket.id]
    storeTicket(ticket)
    if (isNew) announce(`New ticket: ${ticket.subject}`)
  })
  socket.on('ticket:updated', (ticket) => storeTicket(ticket))
  socket.on('ticket:message', ({ ticket, message }) => {
    storeTicket(ticket)
    storeMessage(message)
  })
  // events sent while we were away are not replayed: a (re)join reloads what is shown
  let joined = false
  socket.on('space:snapshot', () => {
    if (joined) void refreshInbox()
    joined = true
  })
}

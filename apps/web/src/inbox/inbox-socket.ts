import type { TicketDto, TicketMessageDto } from '@flare/protocol'
import type { FlareClientSocket } from '../socket.js'
import { announce, useFlare } from '../store/index.js'
import { customerName } from './format.js'
import { receiveTicketCounts, refreshInbox, storeMessage, storeTicket } from './inbox-actions.js'

const SUBJECT_SPOKEN = 60

function clip(text: string): string {
  return text.length > SUBJECT_SPOKEN ? `${text.slice(0, SUBJECT_SPOKEN - 1)}…` : text
}

/**
 * What a screen reader hears when a customer writes: on the ticket you have open, or on one
 * assigned to you; nothing for the rest of the space, which would talk all shift long.
 */
export function customerMessageLine(ticket: TicketDto, message: TicketMessageDto): string | null {
  if (message.authorKind !== 'customer' || message.internal) return null
  const s = useFlare.getState()
  const who = customerName(ticket.customer)
  if (s.selectedTicketId === ticket.id) return `${who} wrote on this ticket.`
  const you = s.snapshot?.you
  if (you && ticket.assignedToUserId === you) {
    return `${who} wrote on your ticket: ${clip(ticket.subject)}`
  }
  return null
}

/** Applies the inbox feature's server events to the store. Called once per connection. */
export function registerInboxEvents(socket: FlareClientSocket): void {
  socket.on('ticket:created', (ticket) => {
    const isNew = !useFlare.getState().tickets[ticket.id]
    storeTicket(ticket)
    if (isNew) announce(`New ticket: ${ticket.subject}`)
  })
  socket.on('ticket:counts', ({ counts }) => receiveTicketCounts(counts))
  socket.on('ticket:updated', (ticket) => storeTicket(ticket))
  socket.on('ticket:message', ({ ticket, message }) => {
    const line = customerMessageLine(ticket, message)
    storeTicket(ticket)
    storeMessage(message)
    if (line) announce(line)
  })
  // events sent while we were away are not replayed: a (re)join reloads what is shown
  let joined = false
  socket.on('space:snapshot', () => {
    if (joined) void refreshInbox()
    joined = true
  })
}

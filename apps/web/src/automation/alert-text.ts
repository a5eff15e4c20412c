import type { TicketEscalatedEvent } from '@flare/protocol'
import { PRIORITY_LABEL } from '../inbox/format.js'

/** What a screen reader hears when an automatic escalation reaches you. */
export function describeAlert(event: TicketEscalatedEvent): string {
  const customer = event.ticket.customerName ? ` from ${event.ticket.customerName}` : ''
  return `Ticket escalated to you, level ${event.level}, ${PRIORITY_LABEL[event.ticket.priority]}: ${event.ticket.subject}${customer}. ${event.reason}`
}

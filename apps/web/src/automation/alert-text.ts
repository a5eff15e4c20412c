import type { TicketEscalatedEvent, TriggerKind } from '@flare/protocol'
import { PRIORITY_LABEL } from '../inbox/format.js'

/** What an instant trigger's card says happened (SPEC §11.1): words, not only its red. */
export const TRIGGER_ALERT: Readonly<Record<TriggerKind, string>> = {
  keyword: 'Customer asks for a person',
  sentiment: 'Unhappy customer',
  bot_failure: 'The bot could not help',
}

/** A ticket escalation card's title: what happened, its level and the ticket. */
export function alertTitle(event: TicketEscalatedEvent): string {
  const what = event.trigger ? TRIGGER_ALERT[event.trigger.kind] : 'Ticket escalation'
  return `${what}, level ${event.level}: ${event.ticket.subject}`
}

/** What a screen reader hears when an automatic escalation reaches you. */
export function describeAlert(event: TicketEscalatedEvent): string {
  const customer = event.ticket.customerName ? ` from ${event.ticket.customerName}` : ''
  const what = event.trigger
    ? `${TRIGGER_ALERT[event.trigger.kind]}, escalated to you at once, level ${event.level}`
    : `Ticket escalated to you, level ${event.level}`
  return `${what}, ${PRIORITY_LABEL[event.ticket.priority]}: ${event.ticket.subject}${customer}. ${event.reason}`
}

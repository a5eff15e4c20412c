import type { TicketDto, TicketEscalatedEvent, TriggerKind } from '@flare/protocol'
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

/**
 * What a ticket escalation's card says once the wait it was about is over (SPEC §7.2.1.1.1):
 * the customer answered, or the ticket put on hold, resolved or closed since it fired. Null
 * while the customer still waits, or while the page does not know the ticket yet.
 */
export function waitOverText(
  ticket: Pick<TicketDto, 'status' | 'waitingSince'> | undefined,
  escalatedAt: string,
): string | null {
  if (!ticket) return null
  if (ticket.waitingSince !== null && Date.parse(ticket.waitingSince) <= Date.parse(escalatedAt)) {
    return null
  }
  switch (ticket.status) {
    case 'on_hold':
      return 'The ticket is on hold.'
    case 'resolved':
      return 'The ticket is resolved.'
    case 'closed':
      return 'The ticket is closed.'
    case 'open':
      return 'The customer has been answered.'
  }
}

/**
 * Where an SLA warning's ticket stands now, as the space's ticket events keep it: still at risk
 * (or not known yet), breached since the card came, or back on track (answered, resolved, held:
 * the card has done its job).
 */
export function slaWarningNow(
  ticket: Pick<TicketDto, 'slaStatus'> | undefined,
): 'at_risk' | 'breached' | 'settled' {
  if (!ticket || ticket.slaStatus === 'at_risk') return 'at_risk'
  return ticket.slaStatus === 'breached' ? 'breached' : 'settled'
}

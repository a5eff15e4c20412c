import type {
  EscalationAction,
  EscalationNotification,
  TicketSlaWarningEvent,
} from '@flare/protocol/client'
import { useMemo } from 'react'
import { slaWarningNow, waitOverText } from '../automation/alert-text.js'
import type { TicketAlert } from '../store/automation-slice.js'
import { type FlareState, useFlare } from '../store/index.js'

/**
 * One card in the alert rail: a red raised hand that notified you, or a ticket escalation
 * that reached you. `responded` is what you already did about it; a responded card collapses.
 */
export type Alert =
  | {
      kind: 'hand'
      key: string
      at: string
      notification: EscalationNotification
      responded: EscalationAction | null
    }
  | { kind: 'ticket'; key: string; at: string; alert: TicketAlert; responded: boolean }
  | { kind: 'sla'; key: string; at: string; warning: TicketSlaWarningEvent; responded: boolean }

type AlertSources = Pick<
  FlareState,
  'notifications' | 'ticketAlerts' | 'slaWarnings' | 'snapshot' | 'tickets'
>

function alertsOf(s: AlertSources): Alert[] {
  const you = s.snapshot?.you
  const hands: Alert[] = s.notifications.map((notification) => {
    const live = s.snapshot?.escalations.find((e) => e.id === notification.escalation.id)
    const mine = live?.responses.filter((r) => r.userId === you) ?? []
    const responded = mine.some((r) => r.action === 'approach')
      ? 'approach'
      : mine.length > 0
        ? 'chat'
        : null
    return {
      kind: 'hand',
      key: `hand-${notification.escalation.id}`,
      at: notification.escalation.startedAt,
      notification,
      responded,
    }
  })
  const tickets: Alert[] = s.ticketAlerts.map((alert) => ({
    kind: 'ticket',
    key: `ticket-${alert.event.firingId}`,
    at: alert.event.escalatedAt,
    alert,
    // taken, or the wait it was about is over: nothing more to do for it
    responded:
      alert.acknowledged !== null ||
      waitOverText(s.tickets[alert.event.ticket.id], alert.event.escalatedAt) !== null,
  }))
  const warnings: Alert[] = s.slaWarnings.map((warning) => ({
    kind: 'sla',
    key: `sla-${warning.warningId}`,
    at: warning.at,
    warning,
    // back on track: nothing more to do for it
    responded: slaWarningNow(s.tickets[warning.ticket.id]) === 'settled',
  }))
  // newest first: the one that just arrived is the one Alt+1 reaches
  return [...hands, ...tickets, ...warnings].sort((a, b) => b.at.localeCompare(a.at))
}

/** The alerts waiting for you, newest first. */
export function useAlerts(): Alert[] {
  const notifications = useFlare((s) => s.notifications)
  const ticketAlerts = useFlare((s) => s.ticketAlerts)
  const slaWarnings = useFlare((s) => s.slaWarnings)
  const snapshot = useFlare((s) => s.snapshot)
  const tickets = useFlare((s) => s.tickets)
  return useMemo(
    () => alertsOf({ notifications, ticketAlerts, slaWarnings, snapshot, tickets }),
    [notifications, ticketAlerts, slaWarnings, snapshot, tickets],
  )
}

/** How many alerts still wait for a response: the tab title and favicon show this. */
export function useWaitingAlertCount(): number {
  return useFlare((s) => alertsOf(s).filter((a) => !a.responded).length)
}

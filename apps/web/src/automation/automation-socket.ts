import type { TicketAlertDto, TicketEscalatedEvent, TicketSlaWarningEvent } from '@flare/protocol'
import { playAlert } from '../hands/sound.js'
import { type FlareClientSocket, request } from '../socket.js'
import { announce, useFlare } from '../store/index.js'
import { describeAlert } from './alert-text.js'
import {
  applyAcknowledgement,
  applyRelease,
  wasTicketAlertDismissed,
} from './automation-actions.js'

// each firing alerts once, even if a reconnect or a second tab's echo delivers it again
const alerted = new Set<string>()
// and each SLA warning is announced once
const warned = new Set<string>()

/**
 * Shows an automatic escalation that reached you: the red card, and the first time it reaches
 * any client of yours the sound, the announcement and (tab hidden) a browser notification. Then
 * the delivery receipt: the server marks the in-app delivery sent. A receipt lost with the
 * connection is harmless: the next snapshot offers the alert again and this tab does not alert
 * twice. One a client of yours showed already (`received`: a reload, a new tab, while nobody
 * has taken it and the customer still waits) comes back as its card alone; one put away in this
 * page stays away.
 */
function showTicketAlert(alert: TicketAlertDto): void {
  const { event } = alert
  const received = alert.received === true
  if (wasTicketAlertDismissed(event.firingId)) {
    if (!received) void request('ticket:receipt', { firingId: event.firingId })
    return
  }
  useFlare.setState((s) => {
    const known = s.ticketAlerts.find((a) => a.event.firingId === event.firingId)
    return {
      ticketAlerts: [
        ...s.ticketAlerts.filter((a) => a.event.firingId !== event.firingId),
        { event, acknowledged: alert.acknowledged ?? known?.acknowledged ?? null },
      ],
    }
  })
  if (received) {
    alerted.add(event.firingId)
    return
  }
  if (!alerted.has(event.firingId)) {
    alerted.add(event.firingId)
    const state = useFlare.getState()
    const me = state.me.status === 'ready' ? state.me.value : null
    // only the person's own sound preference mutes it, as for a raised hand; one somebody
    // already took shows quietly
    if (me?.user.preferences.sound !== false && !alert.acknowledged) playAlert()
    announce(describeAlert(event))
    showBrowserNotification(event)
  }
  void request('ticket:receipt', { firingId: event.firingId })
}

/**
 * Shows an SLA pre-breach warning (SPEC §8.1.5): one amber card, no sound, announced the first
 * time in this tab. Then its delivery receipt, as for a pop-up: a warning that reached nobody's
 * tab live comes with the next snapshot, once.
 */
function showSlaWarning(event: TicketSlaWarningEvent): void {
  const known = useFlare.getState().slaWarnings.some((w) => w.warningId === event.warningId)
  useFlare.setState((s) => ({
    slaWarnings: [...s.slaWarnings.filter((w) => w.warningId !== event.warningId), event],
  }))
  if (!known && !warned.has(event.warningId)) {
    warned.add(event.warningId)
    announce(`SLA at risk: ${event.ticket.subject}`)
  }
  void request('ticket:receipt', { warningId: event.warningId })
}

/** Applies automatic escalations' server events to the store. Called once per connection. */
export function registerAutomationEvents(socket: FlareClientSocket): void {
  socket.on('ticket:escalated', (event) => showTicketAlert({ event, acknowledged: null }))
  // a late joiner, a reconnect, a tab of another process: what reached you and no client of
  // yours has shown yet
  socket.on('space:snapshot', (snapshot) => {
    for (const alert of snapshot.ticketAlerts ?? []) showTicketAlert(alert)
    for (const warning of snapshot.slaWarnings ?? []) showSlaWarning(warning)
  })

  // an amber card for staff, no sound: a ticket is close to missing its SLA (SPEC §8.1.5)
  socket.on('ticket:sla-warning', showSlaWarning)

  socket.on('ticket:acknowledged', (acknowledged) => {
    applyAcknowledgement(acknowledged)
    const s = useFlare.getState()
    const alert = s.ticketAlerts.find((a) => a.event.firingId === acknowledged.firingId)
    if (alert && acknowledged.userId !== s.snapshot?.you) {
      announce(`${nameOf(acknowledged.userId)} is on ${alert.event.ticket.subject}`)
    }
  })

  socket.on('ticket:released', (released) => {
    const s = useFlare.getState()
    const alert = s.ticketAlerts.find(
      (a) => a.event.ticket.id === released.ticketId && a.event.chain === released.chain,
    )
    applyRelease(released)
    if (alert && released.by !== s.snapshot?.you) {
      announce(`${nameOf(released.userId)} let go of ${alert.event.ticket.subject}`)
    }
  })
}

/** A member's display name, from the space's members or those present. */
export function nameOf(userId: string): string {
  const s = useFlare.getState()
  const members = s.space.status === 'ready' ? s.space.value.members : []
  return (
    members.find((m) => m.userId === userId)?.displayName ??
    s.snapshot?.members.find((m) => m.userId === userId)?.displayName ??
    'Someone'
  )
}

function showBrowserNotification(event: TicketEscalatedEvent): void {
  if (typeof Notification === 'undefined' || document.visibilityState !== 'hidden') return
  if (Notification.permission !== 'granted') return
  const notification = new Notification(`Escalated: ${event.ticket.subject}`, {
    body: event.reason,
    tag: `flare-ticket-${event.firingId}`,
  })
  notification.onclick = () => window.focus()
}

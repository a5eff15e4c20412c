import type { TicketEscalatedEvent } from '@flare/protocol'
import { playAlert } from '../hands/sound.js'
import type { FlareClientSocket } from '../socket.js'
import { announce, useFlare } from '../store/index.js'
import { describeAlert } from './alert-text.js'
import { applyAcknowledgement } from './automation-actions.js'

// each firing alerts once, even if a reconnect or a second tab's echo delivers it again
const alerted = new Set<string>()

/** Applies automatic escalations' server events to the store. Called once per connection. */
export function registerAutomationEvents(socket: FlareClientSocket): void {
  socket.on('ticket:escalated', (event) => {
    useFlare.setState((s) => ({
      ticketAlerts: [
        ...s.ticketAlerts.filter((a) => a.event.firingId !== event.firingId),
        { event, acknowledged: null },
      ],
    }))
    if (alerted.has(event.firingId)) return
    alerted.add(event.firingId)
    const state = useFlare.getState()
    const me = state.me.status === 'ready' ? state.me.value : null
    // only the person's own sound preference mutes it, as for a raised hand
    if (me?.user.preferences.sound !== false) playAlert()
    announce(describeAlert(event))
    showBrowserNotification(event)
  })

  socket.on('ticket:acknowledged', (acknowledged) => {
    applyAcknowledgement(acknowledged)
    const s = useFlare.getState()
    const alert = s.ticketAlerts.find((a) => a.event.firingId === acknowledged.firingId)
    if (alert && acknowledged.userId !== s.snapshot?.you) {
      announce(`${nameOf(acknowledged.userId)} is on ${alert.event.ticket.subject}`)
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

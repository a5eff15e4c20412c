import type { EscalationDto, SpaceSnapshot } from '@flare/protocol'
import type { FlareClientSocket } from '../socket.js'
import { announce, useFlare } from '../store/index.js'
import { wasDismissed } from './hand-actions.js'
import { playAlert } from './sound.js'

function nameOf(snapshot: SpaceSnapshot, userId: string): string {
  return snapshot.members.find((m) => m.userId === userId)?.displayName ?? 'Someone'
}

function describe(e: EscalationDto, name: string): string {
  const kind = e.color === 'red' ? 'raised an urgent escalation' : 'raised a hand'
  return e.message ? `${name} ${kind}: ${e.message}` : `${name} ${kind}`
}

function withEscalations(snapshot: SpaceSnapshot, escalations: EscalationDto[]): SpaceSnapshot {
  return { ...snapshot, escalations }
}

// each red escalation alerts once, even if a reconnect delivers it again
const alerted = new Set<string>()

/** Keeps the active escalations in the snapshot and alerts the recipients. */
export function registerHandEvents(socket: FlareClientSocket): void {
  socket.on('space:snapshot', (snapshot) => {
    const active = new Set(snapshot.escalations.map((e) => e.id))
    useFlare.setState((s) => ({
      serverSkewMs: Date.parse(snapshot.serverTime) - Date.now(),
      // a notification whose escalation ended while we were away goes too
      notifications: s.notifications.filter((n) => active.has(n.escalation.id)),
    }))
  })

  socket.on('escalation:started', (escalation) => {
    const snapshot = useFlare.getState().snapshot
    if (!snapshot) return
    const others = snapshot.escalations.filter((e) => e.id !== escalation.id)
    useFlare.setState({ snapshot: withEscalations(snapshot, [...others, escalation]) })
    if (escalation.raisedBy !== snapshot.you)
      announce(describe(escalation, nameOf(snapshot, escalation.raisedBy)))
  })

  socket.on('escalation:ended', (ended) => {
    const snapshot = useFlare.getState().snapshot
    if (!snapshot) return
    useFlare.setState((s) => ({
      snapshot: withEscalations(
        snapshot,
        snapshot.escalations.filter((e) => e.id !== ended.id),
      ),
      notifications: s.notifications.filter((n) => n.escalation.id !== ended.id),
      // the raiser is told when their hand went down by someone or something else
      handEnded: ended.raisedBy === snapshot.you && ended.reason !== 'raiser' ? ended : s.handEnded,
    }))
  })

  socket.on('escalation:response', ({ escalationId, response }) => {
    const snapshot = useFlare.getState().snapshot
    if (!snapshot) return
    useFlare.setState({
      snapshot: withEscalations(
        snapshot,
        snapshot.escalations.map((e) =>
          e.id === escalationId
            ? {
                ...e,
                responses: [
                  ...e.responses.filter(
                    (r) => !(r.userId === response.userId && r.action === response.action),
                  ),
                  response,
                ],
              }
            : e,
        ),
      ),
    })
    const escalation = snapshot.escalations.find((e) => e.id === escalationId)
    if (escalation?.raisedBy === snapshot.you && response.action === 'approach') {
      announce(`${nameOf(snapshot, response.userId)} is coming to help`)
    }
  })

  socket.on('escalation:notify', (notification) => {
    const { id } = notification.escalation
    if (wasDismissed(id)) return
    useFlare.setState((s) => ({
      notifications: [...s.notifications.filter((n) => n.escalation.id !== id), notification],
    }))
    if (alerted.has(id)) return
    alerted.add(id)
    const state = useFlare.getState()
    const me = state.me.status === 'ready' ? state.me.value : null
    // `busy` does not mute a red escalation; only the person's own sound preference does
    if (me?.user.preferences.sound !== false) playAlert()
    showBrowserNotification(notification.raiserName, notification.escalation.message)
  })
}

function showBrowserNotification(raiserName: string, message: string): void {
  if (typeof Notification === 'undefined' || document.visibilityState !== 'hidden') return
  if (Notification.permission !== 'granted') return
  const notification = new Notification(`${raiserName} needs help`, {
    body: message || 'An urgent escalation in your space',
    tag: 'flare-escalation',
  })
  notification.onclick = () => window.focus()
}

import type {
  EscalationAction,
  EscalationRaise,
  EscalationRaised,
  EscalationResponded,
  Result,
} from '@flare/protocol'
import { ApiRequestError, api } from '../api.js'
import { countOf } from '../layout/words.js'
import { request } from '../socket.js'
import { announce, useFlare } from '../store/index.js'

export function openRaiseHandDialog(): void {
  useFlare.setState({ escalationDialogOpen: true, handEnded: null })
}

export function closeRaiseHandDialog(): void {
  useFlare.setState({ escalationDialogOpen: false })
}

export function raiseHand(input: EscalationRaise): Promise<Result<EscalationRaised>> {
  return request('escalation:raise', input)
}

/** Your own escalation, or (admins and managers) anyone's by id. */
export async function endHand(escalationId?: string): Promise<void> {
  const result = await request('escalation:end', escalationId ? { escalationId } : {})
  if (!result.ok) announce(result.error.message)
}

export async function lowerAllHands(): Promise<void> {
  const result = await request('escalation:lower-all', {})
  announce(result.ok ? `Lowered ${countOf(result.ended, 'hand', 'hands')}` : result.error.message)
}

export function respondToHand(
  escalationId: string,
  action: EscalationAction,
): Promise<Result<EscalationResponded>> {
  return request('escalation:respond', { escalationId, action })
}

/**
 * Cards dismissed in this page. The server sends an unanswered red hand's card again with
 * every snapshot (SPEC §3.3.1), so a reload or a new tab shows it; this page, which was shown
 * it and put it away, keeps it away across its own reconnects.
 */
const dismissed = new Set<string>()

export function wasDismissed(escalationId: string): boolean {
  return dismissed.has(escalationId)
}

export function dismissNotification(escalationId: string): void {
  dismissed.add(escalationId)
  useFlare.setState((s) => ({
    notifications: s.notifications.filter((n) => n.escalation.id !== escalationId),
  }))
}

/** The Escalation button: lowers your hand when it is up, else opens the dialog. */
export async function toggleHand(): Promise<void> {
  const { snapshot } = useFlare.getState()
  const mine = snapshot?.escalations.find((e) => e.raisedBy === snapshot.you)
  if (mine) await endHand()
  else openRaiseHandDialog()
}

export async function loadRecentMessages(spaceId: string): Promise<string[]> {
  try {
    return (await api.recentEscalationMessages(spaceId)).messages
  } catch {
    return []
  }
}

export async function setSoundPreference(sound: boolean): Promise<string | null> {
  try {
    const preferences = await api.setPreferences({ sound })
    useFlare.setState((s) =>
      s.me.status === 'ready' && s.me.value
        ? {
            me: {
              status: 'ready',
              value: { ...s.me.value, user: { ...s.me.value.user, preferences } },
            },
          }
        : {},
    )
    return null
  } catch (error) {
    return error instanceof ApiRequestError ? error.message : 'Could not save the setting.'
  }
}

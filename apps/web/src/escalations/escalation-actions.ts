import type {
  EscalationAction,
  EscalationDto,
  EscalationRaise,
  EscalationResponseDto,
  Result,
} from '@flare/protocol'
import { ApiRequestError, api } from '../api.js'
import { countOf } from '../layout/words.js'
import { currentSocket } from '../socket.js'
import { announce, useFlare } from '../store/index.js'

const NOT_CONNECTED = {
  ok: false,
  error: { code: 'INTERNAL', message: 'Not connected to the space. Reconnecting…' },
} as const

function emit<T extends object>(
  send: (
    socket: NonNullable<ReturnType<typeof currentSocket>>,
    ack: (r: Result<T>) => void,
  ) => void,
): Promise<Result<T>> {
  return new Promise((resolve) => {
    const socket = currentSocket()
    if (!socket?.connected) {
      resolve(NOT_CONNECTED)
      return
    }
    send(socket, resolve)
  })
}

export function openEscalationDialog(): void {
  useFlare.setState({ escalationDialogOpen: true, handEnded: null })
}

export function closeEscalationDialog(): void {
  useFlare.setState({ escalationDialogOpen: false })
}

export function raiseEscalation(
  input: EscalationRaise,
): Promise<Result<{ escalation: EscalationDto }>> {
  return emit((s, ack) => s.emit('escalation:raise', input, ack))
}

/** Your own escalation, or (admins and managers) anyone's by id. */
export async function endEscalation(escalationId?: string): Promise<void> {
  const result = await emit((s, ack) =>
    s.emit('escalation:end', escalationId ? { escalationId } : {}, ack),
  )
  if (!result.ok) announce(result.error.message)
}

export async function lowerAllEscalations(): Promise<void> {
  const result = await emit<{ ended: number }>((s, ack) => s.emit('escalation:lower-all', {}, ack))
  announce(result.ok ? `Lowered ${countOf(result.ended, 'hand', 'hands')}` : result.error.message)
}

export function respondToEscalation(
  escalationId: string,
  action: EscalationAction,
): Promise<Result<{ response: EscalationResponseDto }>> {
  return emit((s, ack) => s.emit('escalation:respond', { escalationId, action }, ack))
}

export function dismissNotification(escalationId: string): void {
  useFlare.setState((s) => ({
    notifications: s.notifications.filter((n) => n.escalation.id !== escalationId),
  }))
}

/** The Escalation button: lowers your hand when it is up, else opens the dialog. */
export async function toggleEscalation(): Promise<void> {
  const { snapshot } = useFlare.getState()
  const mine = snapshot?.escalations.find((e) => e.raisedBy === snapshot.you)
  if (mine) await endEscalation()
  else openEscalationDialog()
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

import {
  type ApiError,
  type ClientEventName,
  type ClientEventPayload,
  type ClientEventResult,
  type ClientToServerEvents,
  ErrorCode,
  isConnectRefusal,
  type PresenceStatus,
  type Result,
  type ServerToClientEvents,
  snapshotMembers,
} from '@flare/protocol/client'
import { io, type Socket } from 'socket.io-client'
import { registerAutomationEvents } from './automation/automation-socket.js'
import { registerChatEvents } from './chat/chat-socket.js'
import { registerHandEvents } from './hands/hand-socket.js'
import { registerInboxEvents } from './inbox/inbox-socket.js'
import { followDirectoryVersion } from './layout/member-update.js'
import { registerProfileEvents } from './layout/profile-socket.js'
import { followOwnRole, ownRoleIn } from './own-role.js'
import { applyPresence, throttleLatest } from './presence.js'
import { registerPresenceEvents } from './presence-socket.js'
import { announce, useFlare } from './store/index.js'
import { registerSupervisorEvents } from './supervisor/supervisor-socket.js'

// The one place that opens the Socket.IO connection. Components never touch it: they read
// the store and call actions; each feature's `*-socket.ts` applies its events to the store and
// its actions emit through `currentSocket()`.
export type FlareClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>
let socket: FlareClientSocket | null = null

/** The live connection, or null while not connected to a space. */
export function currentSocket(): FlareClientSocket | null {
  return socket
}

const MOVE_INTERVAL_MS = 100
const UNAVAILABLE_RETRY_MS = 2_000
/** After the server closed us (a restart): about this long, spread ±50 %, before trying again. */
const SERVER_CLOSE_RETRY_MS = 2_000

/** How long an acknowledgement may take before the request is reported as failed. */
export const REQUEST_TIMEOUT_MS = 10_000

const NOT_CONNECTED: ApiError = {
  code: ErrorCode.INTERNAL,
  message: 'Not connected to the space. Reconnecting…',
}
const NO_ANSWER: ApiError = {
  code: ErrorCode.INTERNAL,
  message: 'The server did not answer in time. Check your connection and try again.',
}

/**
 * Sends a client event and resolves with its acknowledgement, typed by the protocol. It never
 * rejects and never hangs: not being connected, or no answer within `timeoutMs` (a lost
 * acknowledgement), resolves to `{ok: false, error}` with a message the UI can show as it is.
 *
 * @example
 * const result = await request('escalation:raise', { notify: false, recipients })
 * if (!result.ok) setError(result.error.message)
 */
export async function request<E extends ClientEventName>(
  event: E,
  payload: ClientEventPayload<E>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<ClientEventResult<E>> {
  const s = socket
  if (!s?.connected) return { ok: false, error: NOT_CONNECTED }
  const timed = s.timeout(timeoutMs)
  // Socket.IO types emitWithAck per literal event name; for a name known only as `E`, the
  // protocol's event map says what it carries and answers
  const emitWithAck = timed.emitWithAck.bind(timed) as (
    event: E,
    payload: ClientEventPayload<E>,
  ) => Promise<ClientEventResult<E>>
  try {
    // rejects only when no acknowledgement came within timeoutMs
    return await emitWithAck(event, payload)
  } catch {
    return { ok: false, error: NO_ANSWER }
  }
}

export function connectToSpace(spaceId: string): void {
  disconnectFromSpace()
  useFlare.setState({ connection: { state: 'connecting', message: null }, snapshot: null })
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    // presence as rows: a crowded space's snapshot and join storms are under half the bytes
    auth: { spaceId, presenceFormat: 'rows' },
    withCredentials: true,
  })
  socket = s
  s.on('connect', () => useFlare.setState({ connection: { state: 'connected', message: null } }))
  s.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') {
      // the server closed us: it is restarting, or it let us go (logged out, removed). Try
      // again after a moment, spread out so a restart is not met by everyone at once; a server
      // that let us go refuses the handshake, saying why (`connect_error` below)
      useFlare.setState({
        connection: { state: 'reconnecting', message: 'The server closed the connection.' },
      })
      setTimeout(
        () => {
          if (socket === s && !s.connected) s.connect()
        },
        SERVER_CLOSE_RETRY_MS * (0.5 + Math.random()),
      )
      return
    }
    // anything else (a network drop) Socket.IO reconnects by itself
    useFlare.setState({ connection: { state: 'reconnecting', message: null } })
  })
  s.on('connect_error', (error) => {
    const refusal = 'data' in error ? error.data : null
    if (isConnectRefusal(refusal) && refusal.code === ErrorCode.UNAVAILABLE) {
      // the server could not check us right now (its database is away): it will again soon
      useFlare.setState({ connection: { state: 'reconnecting', message: refusal.message } })
      setTimeout(() => {
        if (socket === s && !s.connected) s.connect()
      }, UNAVAILABLE_RETRY_MS)
      return
    }
    if (isConnectRefusal(refusal)) {
      // refused by the server (not a member, logged out): retrying would not help
      s.disconnect()
      useFlare.setState({ connection: { state: 'refused', message: refusal.message } })
    } else {
      useFlare.setState({ connection: { state: 'reconnecting', message: null } })
    }
  })
  // every (re)connection brings a full snapshot: it replaces whatever we had
  s.on('space:snapshot', (snapshot) => {
    const applied = { ...snapshot, members: snapshotMembers(snapshot) }
    useFlare.setState({ snapshot: applied })
    // a reconnect brings a role changed while we were away (SPEC §1.5.5)
    const role = ownRoleIn(applied)
    if (role) followOwnRole(role)
    // and members or groups changed while we were away (SPEC §1.5.5)
    followDirectoryVersion(snapshot.directoryVersion)
  })
  registerPresenceEvents(s)
  registerHandEvents(s)
  registerChatEvents(s)
  registerInboxEvents(s)
  registerAutomationEvents(s)
  registerSupervisorEvents(s)
  registerProfileEvents(s)
}

export function disconnectFromSpace(): void {
  if (!socket) return
  socket.removeAllListeners()
  // a goodbye, not a drop: the server lets us go at once instead of holding our place
  socket.disconnect()
  socket = null
}

const sendMove = throttleLatest<{ x: number; y: number }>(MOVE_INTERVAL_MS, (point) => {
  // moves while disconnected are dropped: the snapshot after reconnecting has the truth
  if (!socket?.connected) return
  void request('presence:move', point).then((result) => {
    if (!result.ok) announce(result.error.message)
  })
})

/** Walks our avatar to a point: shown at once here, sent to the server throttled. */
export function moveTo(x: number, y: number): void {
  const snapshot = useFlare.getState().snapshot
  if (!snapshot) return
  useFlare.setState({
    snapshot: applyPresence(snapshot, {
      kind: 'moved',
      userId: snapshot.you,
      x,
      y,
      roomId: roomAt(snapshot, x, y),
    }),
  })
  sendMove({ x, y })
}

function roomAt(
  snapshot: NonNullable<ReturnType<typeof useFlare.getState>['snapshot']>,
  x: number,
  y: number,
) {
  return (
    snapshot.rooms.find((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)
      ?.id ?? null
  )
}

export function setStatus(status: PresenceStatus): Promise<Result> {
  return request('presence:status', { status })
}

import {
  type ClientToServerEvents,
  type ConnectErrorData,
  ErrorCode,
  type PresenceStatus,
  type Result,
  type ServerToClientEvents,
} from '@flare/protocol'
import { io, type Socket } from 'socket.io-client'
import { registerAutomationEvents } from './automation/automation-socket.js'
import { registerChatEvents } from './chat/chat-socket.js'
import { registerEscalationEvents } from './escalations/escalation-socket.js'
import { registerInboxEvents } from './inbox/inbox-socket.js'
import { applyPresence, throttleLatest } from './presence.js'
import { registerPresenceEvents } from './presence-socket.js'
import { announce, useFlare } from './store/index.js'

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

export function connectToSpace(spaceId: string): void {
  disconnectFromSpace()
  useFlare.setState({ connection: { state: 'connecting', message: null }, snapshot: null })
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    auth: { spaceId },
    withCredentials: true,
  })
  socket = s
  s.on('connect', () => useFlare.setState({ connection: { state: 'connected', message: null } }))
  s.on('disconnect', (reason) => {
    // the server closing us on purpose is final; anything else reconnects by itself
    const state = reason === 'io server disconnect' ? 'refused' : 'reconnecting'
    useFlare.setState({
      connection: {
        state,
        message: state === 'refused' ? 'The server closed the connection.' : null,
      },
    })
  })
  s.on('connect_error', (error) => {
    const data = (error as Error & { data?: ConnectErrorData }).data
    if (data?.code === ErrorCode.UNAVAILABLE) {
      // the server could not check us right now (its database is away): it will again soon
      useFlare.setState({ connection: { state: 'reconnecting', message: data.message } })
      setTimeout(() => {
        if (socket === s && !s.connected) s.connect()
      }, UNAVAILABLE_RETRY_MS)
      return
    }
    if (data) {
      // refused by the server (not a member, logged out): retrying would not help
      s.disconnect()
      useFlare.setState({ connection: { state: 'refused', message: data.message } })
    } else {
      useFlare.setState({ connection: { state: 'reconnecting', message: null } })
    }
  })
  // every (re)connection brings a full snapshot: it replaces whatever we had
  s.on('space:snapshot', (snapshot) => useFlare.setState({ snapshot }))
  registerPresenceEvents(s)
  registerEscalationEvents(s)
  registerChatEvents(s)
  registerInboxEvents(s)
  registerAutomationEvents(s)
}

export function disconnectFromSpace(): void {
  if (!socket) return
  socket.removeAllListeners()
  // a goodbye, not a drop: the server lets us go at once instead of holding our place
  socket.disconnect()
  socket = null
}

const sendMove = throttleLatest<{ x: number; y: number }>(MOVE_INTERVAL_MS, (point) => {
  socket?.emit('presence:move', point, (result) => {
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
  return new Promise((resolve) => {
    if (!socket) {
      resolve({ ok: false, error: { code: 'INTERNAL', message: 'Not connected to the space.' } })
      return
    }
    socket.emit('presence:status', { status }, resolve)
  })
}

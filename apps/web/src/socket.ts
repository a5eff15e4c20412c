import type {
  ClientToServerEvents,
  ConnectErrorData,
  PresenceUpdate,
  ServerToClientEvents,
  SpaceSnapshot,
} from '@flare/protocol'
import { io, type Socket } from 'socket.io-client'
import { useFlare } from './store/index.js'

// The one place that talks to Socket.IO: components read the store and call these actions.
let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null

function applyPresence(snapshot: SpaceSnapshot, update: PresenceUpdate): SpaceSnapshot {
  switch (update.kind) {
    case 'joined':
      return {
        ...snapshot,
        members: [
          ...snapshot.members.filter((m) => m.userId !== update.member.userId),
          update.member,
        ],
      }
    case 'left':
      return { ...snapshot, members: snapshot.members.filter((m) => m.userId !== update.userId) }
    case 'moved':
      return {
        ...snapshot,
        members: snapshot.members.map((m) =>
          m.userId === update.userId
            ? { ...m, x: update.x, y: update.y, roomId: update.roomId }
            : m,
        ),
      }
    case 'status':
      return {
        ...snapshot,
        members: snapshot.members.map((m) =>
          m.userId === update.userId ? { ...m, status: update.status } : m,
        ),
      }
  }
}

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
    if (data) {
      // refused by the server (not a member, logged out): retrying would not help
      s.disconnect()
      useFlare.setState({ connection: { state: 'refused', message: data.message } })
    } else {
      useFlare.setState({ connection: { state: 'reconnecting', message: null } })
    }
  })
  s.on('space:snapshot', (snapshot) => useFlare.setState({ snapshot }))
  s.on('presence:update', (update) => {
    const snapshot = useFlare.getState().snapshot
    if (snapshot) useFlare.setState({ snapshot: applyPresence(snapshot, update) })
  })
}

export function disconnectFromSpace(): void {
  socket?.removeAllListeners()
  socket?.disconnect()
  socket = null
}

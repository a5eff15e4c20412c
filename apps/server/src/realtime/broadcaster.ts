import { EventEmitter } from 'node:events'
import type { PresenceFormat, ServerToClientEvents, StreamEvent } from '@flare/protocol'
import { eventFrames } from './snapshot-encoder.js'
import type { PacedConnection } from './snapshot-pacer.js'
import type { FlareServer } from './socket-server.js'

export type ServerEventName = keyof ServerToClientEvents
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0]

export function spaceRoom(spaceId: string): string {
  return `space:${spaceId}`
}

/** The room of one user's connections in one space (all their tabs, in every process). */
export function userRoom(spaceId: string, userId: string): string {
  return `space:${spaceId}:user:${userId}`
}

/** The room of a space's connections that take presence in one format (`auth.presenceFormat`). */
export function presenceRoom(spaceId: string, format: PresenceFormat): string {
  return `space:${spaceId}:presence:${format}`
}

/**
 * The one way anything reaches connected clients. Services say what happened to whom; the
 * broadcaster owns the Socket.IO rooms, the Redis adapter that carries emits to the other
 * processes, and the mirror of escalation events onto the plain-WebSocket integration stream.
 */
export interface SendOptions {
  /** Leave these sockets out (a mover's own tab already shows where it walked). */
  exceptSocketIds?: readonly string[]
  /**
   * Only this process's connections: for what every process works out for its own clients
   * (presence diffs from its replica), so nothing arrives twice.
   */
  local?: boolean
}

export interface Broadcaster {
  /** Every connection of the space, in every process (except one socket, e.g. a mover's own). */
  toSpace<E extends ServerEventName>(
    spaceId: string,
    event: E,
    payload: ServerEventPayload<E>,
    options?: { exceptSocketId?: string } & SendOptions,
  ): void
  /** Every connection of these users in the space, in every process (except one socket). */
  toUsers<E extends ServerEventName>(
    spaceId: string,
    userIds: readonly string[],
    event: E,
    payload: ServerEventPayload<E>,
    options?: { exceptSocketId?: string },
  ): void
  /**
   * This process's connections of the space that take presence in `format`, except some
   * sockets: the hubs' presence diffs, which every process works out for its own clients.
   * The payload is made (and encoded) only when some of them are here.
   */
  toPresenceFormat<E extends ServerEventName>(
    spaceId: string,
    format: PresenceFormat,
    event: E,
    payload: () => ServerEventPayload<E>,
    exceptSocketIds: string[],
  ): void
  /**
   * As `toPresenceFormat`, several payloads, one event each, in order: a flush's changes. On a
   * WebSocket the frames are made once and written to each connection in one go (a join
   * storm's flush holds hundreds of changes for thousands of connections: one emit a change a
   * connection was most of such a storm's CPU and memory); long polling gets ordinary emits.
   */
  eachToPresenceFormat<E extends ServerEventName>(
    spaceId: string,
    format: PresenceFormat,
    event: E,
    payloads: readonly ServerEventPayload<E>[],
    exceptSocketIds: readonly string[],
  ): void
  /** One connection only (its own snapshot). */
  toSocket<E extends ServerEventName>(
    socketId: string,
    event: E,
    payload: ServerEventPayload<E>,
    options?: Pick<SendOptions, 'local'>,
  ): void
  /** Listens to one space's integration-stream events, from every process. */
  onStream(spaceId: string, listener: (event: StreamEvent) => void): () => void
}

/** The stream carries the raised hands' lifecycle; everything else stays on Socket.IO. */
function streamEventOf<E extends ServerEventName>(
  spaceId: string,
  event: E,
  payload: ServerEventPayload<E>,
): StreamEvent | null {
  const sent: { [K in ServerEventName]?: (p: ServerEventPayload<K>) => StreamEvent } = {
    'escalation:started': (escalation) => ({ type: 'escalation:started', spaceId, escalation }),
    'escalation:ended': (ended) => ({ type: 'escalation:ended', spaceId, ended }),
    'escalation:response': ({ escalationId, response }) => ({
      type: 'escalation:response',
      spaceId,
      escalationId,
      response,
    }),
  }
  const toStream = sent[event] as ((p: ServerEventPayload<E>) => StreamEvent) | undefined
  return toStream ? toStream(payload) : null
}

/**
 * @example
 * const broadcast = createBroadcaster(io, { clustered: true })
 * broadcast.toSpace(spaceId, 'escalation:started', hand)
 */
export function createBroadcaster(io: FlareServer, options: { clustered: boolean }): Broadcaster {
  const stream = new EventEmitter()
  stream.setMaxListeners(0)
  // stream events published by the other processes, through the Redis adapter
  io.on('stream', (event) => stream.emit(event.spaceId, event))

  function mirror<E extends ServerEventName>(
    spaceId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    const streamed = streamEventOf(spaceId, event, payload)
    if (!streamed) return
    stream.emit(spaceId, streamed)
    if (options.clustered) io.serverSideEmit('stream', streamed)
  }

  return {
    toSpace(spaceId, event, payload, options) {
      const except = [
        ...(options?.exceptSocketId ? [options.exceptSocketId] : []),
        ...(options?.exceptSocketIds ?? []),
      ]
      const room = (options?.local ? io.local : io).to(spaceRoom(spaceId))
      // the stream first: another process updates what its snapshots show before its clients
      // hear the event, so a client joining there in between gets it in one or the other
      if (!options?.local) mirror(spaceId, event, payload)
      emitTo(except.length > 0 ? room.except(except) : room, event, payload)
    },
    toUsers(spaceId, userIds, event, payload, options) {
      if (userIds.length === 0) return
      const rooms = io.to(userIds.map((id) => userRoom(spaceId, id)))
      emitTo(options?.exceptSocketId ? rooms.except(options.exceptSocketId) : rooms, event, payload)
    },
    toPresenceFormat(spaceId, format, event, payload, exceptSocketIds) {
      const room = presenceRoom(spaceId, format)
      if (!io.sockets.adapter.rooms.get(room)?.size) return
      const target = io.local.to(room)
      emitTo(exceptSocketIds.length > 0 ? target.except(exceptSocketIds) : target, event, payload())
    },
    eachToPresenceFormat(spaceId, format, event, payloads, exceptSocketIds) {
      const room = io.sockets.adapter.rooms.get(presenceRoom(spaceId, format))
      if (!room?.size || payloads.length === 0) return
      const skip = new Set(exceptSocketIds)
      let frames: Buffer | null = null
      for (const socketId of room) {
        if (skip.has(socketId)) continue
        const socket = io.sockets.sockets.get(socketId)
        if (!socket?.connected) continue
        if (socket.conn.transport.name === 'websocket') {
          frames ??= eventFrames(event, payloads)
          const conn: PacedConnection = socket.conn
          conn.write('', { compress: true, wsPreEncodedFrame: [frames] }, () => {})
        } else for (const payload of payloads) emitTo(io.local.to(socketId), event, payload)
      }
    },
    toSocket(socketId, event, payload, options) {
      emitTo((options?.local ? io.local : io).to(socketId), event, payload)
    },
    onStream(spaceId, listener) {
      stream.on(spaceId, listener)
      return () => stream.off(spaceId, listener)
    },
  }
}

type Target = ReturnType<FlareServer['to']> | ReturnType<FlareServer['local']['to']>

// Socket.IO's emit is typed per event name; a generic name needs its parameters spelled out
function emitTo<E extends ServerEventName>(
  target: Target,
  event: E,
  payload: ServerEventPayload<E>,
): void {
  const emit = target.emit.bind(target) as (event: E, payload: ServerEventPayload<E>) => boolean
  emit(event, payload)
}

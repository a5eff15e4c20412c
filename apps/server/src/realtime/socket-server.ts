import { EventEmitter } from 'node:events'
import {
  type ClientToServerEvents,
  type ConnectErrorData,
  ErrorCode,
  type EscalationDto,
  type MemberRole,
  PROTOCOL_VERSION,
  parse,
  type ServerToClientEvents,
  SOCKET_PATH,
  SocketAuth,
  type SpaceSnapshot,
  type StreamEvent,
} from '@flare/protocol'
import { createAdapter } from '@socket.io/redis-adapter'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { Server, type Socket } from 'socket.io'
import { findUser } from '../auth/identity.js'
import { HttpError } from '../errors.js'
import { findMembership, findSpace, listRooms } from '../spaces/space-repository.js'
import { createPresenceHandlers } from './presence-handlers.js'
import { seatOf } from './seats.js'
import { SpaceHub } from './space-hub.js'

export interface SocketData {
  userId: string
  displayName: string
  spaceId: string
  role: MemberRole
}

interface InterServerEvents {
  /** A stream event published in another process, for this process's stream subscribers. */
  stream: (event: StreamEvent) => void
}
export type FlareServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>
export type FlareSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>

export interface Realtime {
  io: FlareServer
  /** The live state of a space in this process, created on first use. */
  hub(spaceId: string): Promise<SpaceHub>
  /** Features register the handlers of each new connection here (after it joined its space). */
  onConnection(handler: (socket: FlareSocket, hub: SpaceHub) => void): void
  /** Features subscribe to each space's presence events here, once per space. */
  onHub(handler: (hub: SpaceHub, spaceId: string) => void): void
  /** The active escalations that go into every snapshot; the escalation feature provides it. */
  provideEscalations(source: (spaceId: string) => Promise<EscalationDto[]>): void
  snapshot(spaceId: string, userId: string): Promise<SpaceSnapshot>
  /** Sends an escalation change to the `GET /api/stream` subscribers of its space, in every process. */
  publish(event: StreamEvent): void
  /** Listens to one space's stream events; returns the function that stops listening. */
  subscribe(spaceId: string, listener: (event: StreamEvent) => void): () => void
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime
  }
}

export function spaceRoom(spaceId: string): string {
  return `space:${spaceId}`
}

/** The room of one user's connections in one space (all their tabs). */
export function userRoom(spaceId: string, userId: string): string {
  return `space:${spaceId}:user:${userId}`
}

function refuse(code: string, message: string): Error {
  const error = new Error(message) as Error & { data: ConnectErrorData }
  error.data = { code, message }
  return error
}

export interface SocketServerOptions {
  redisUrl: string | null
  reconnectGraceMs: number
  moveFlushMs: number
}

/**
 * Socket.IO on the app's own HTTP server. A connection names its space in `auth.spaceId`,
 * proves who it is with the session cookie or `auth.token`, and is let in only as a member.
 */
export const socketServerPlugin = fp<SocketServerOptions>(
  async (app, options) => {
    const io: FlareServer = new Server(app.server, {
      path: SOCKET_PATH,
      serveClient: false,
      // no legitimate event comes near this; a larger frame closes the connection
      maxHttpBufferSize: 64 * 1024,
      // notice a vanished client (a closed laptop, a connection that never said goodbye) within
      // 15 s rather than Socket.IO's default 45 s, so the 30 s reconnect grace starts promptly
      pingInterval: 10_000,
      pingTimeout: 5_000,
    })

    const redis = options.redisUrl ? [new Redis(options.redisUrl), new Redis(options.redisUrl)] : []
    if (redis[0] && redis[1]) io.adapter(createAdapter(redis[0], redis[1]))

    const stream = new EventEmitter()
    stream.setMaxListeners(0)
    io.on('stream', (event) => stream.emit(event.spaceId, event))
    function publish(event: StreamEvent): void {
      stream.emit(event.spaceId, event)
      // the other processes' subscribers hear it through the Redis adapter
      if (redis.length > 0) io.serverSideEmit('stream', event)
    }
    function subscribe(spaceId: string, listener: (event: StreamEvent) => void): () => void {
      stream.on(spaceId, listener)
      return () => stream.off(spaceId, listener)
    }

    const connectionHandlers: Array<(socket: FlareSocket, hub: SpaceHub) => void> = []
    const hubHandlers: Array<(hub: SpaceHub, spaceId: string) => void> = []
    let escalationsOf: (spaceId: string) => Promise<EscalationDto[]> = async () => []
    const hubs = new Map<string, Promise<SpaceHub>>()

    function hub(spaceId: string): Promise<SpaceHub> {
      let existing = hubs.get(spaceId)
      if (!existing) {
        existing = (async () => {
          const [space, rooms] = await Promise.all([
            findSpace(app.database.db, spaceId),
            listRooms(app.database.db, spaceId),
          ])
          if (!space) throw new Error(`no space ${spaceId}`)
          const created = new SpaceHub({
            map: { width: space.mapWidth, height: space.mapHeight },
            rooms,
            reconnectGraceMs: options.reconnectGraceMs,
            moveFlushMs: options.moveFlushMs,
          })
          const room = spaceRoom(spaceId)
          created.on('update', (update) => io.to(room).emit('presence:update', update))
          created.on('moved', (update, except) => {
            // the mover's own tab already shows where it walked to
            const target = except ? io.to(room).except(except) : io.to(room)
            target.emit('presence:update', update)
          })
          for (const handler of hubHandlers) handler(created, spaceId)
          return created
        })()
        existing.catch(() => hubs.delete(spaceId))
        hubs.set(spaceId, existing)
      }
      return existing
    }

    async function snapshot(spaceId: string, userId: string): Promise<SpaceSnapshot> {
      const [h, escalations] = await Promise.all([hub(spaceId), escalationsOf(spaceId)])
      return {
        protocolVersion: PROTOCOL_VERSION,
        spaceId,
        serverTime: app.clock().toISOString(),
        you: userId,
        members: h.list(),
        rooms: [...h.rooms],
        escalations,
      }
    }

    app.decorate('realtime', {
      io,
      hub,
      onConnection: (handler) => connectionHandlers.push(handler),
      onHub: (handler) => hubHandlers.push(handler),
      provideEscalations: (source) => {
        escalationsOf = source
      },
      snapshot,
      publish,
      subscribe,
    } satisfies Realtime)

    io.use(async (socket, next) => {
      const auth = parse(SocketAuth, socket.handshake.auth)
      if (!auth.ok) {
        return next(
          refuse(ErrorCode.VALIDATION, `Connect with auth: {spaceId}. ${auth.error.message}`),
        )
      }
      try {
        const { authorization, cookie } = socket.handshake.headers
        const identity = await app.identify({
          authorization: auth.value.token ? `Bearer ${auth.value.token}` : authorization,
          cookie,
        })
        const [membership, user] = await Promise.all([
          findMembership(app.database.db, auth.value.spaceId, identity.userId),
          findUser(app.database.db, identity.userId),
        ])
        if (!membership || !user) return next(refuse(ErrorCode.NOT_FOUND, 'No such space.'))
        socket.data = {
          userId: user.id,
          displayName: user.displayName,
          spaceId: membership.spaceId,
          role: membership.role,
        }
        next()
      } catch (error) {
        if (error instanceof HttpError) return next(refuse(error.body.code, error.body.message))
        app.log.error({ err: error }, 'socket handshake failed')
        next(refuse(ErrorCode.INTERNAL, 'The server could not check this connection.'))
      }
    })

    io.on('connection', async (socket: FlareSocket) => {
      const { spaceId, userId, displayName, role } = socket.data
      try {
        const h = await hub(spaceId)
        // a member new to this space's floor starts at their desk; a returning one where they were
        const seat = h.get(userId) ? null : await seatOf(app.database.db, spaceId, h, userId)
        if (socket.disconnected) return
        // join the rooms before connecting: the member's own 'joined' and everything after it
        // reach this socket too, so nothing falls between the snapshot and the live events
        socket.join([spaceRoom(spaceId), userRoom(spaceId, userId)])
        h.connect({ userId, displayName, role }, seat)
        socket.on('disconnect', (reason) => {
          // the client said goodbye itself; any other reason may be a network drop that comes back
          h.disconnect(userId, reason === 'client namespace disconnect')
        })
        const presence = createPresenceHandlers({
          log: app.log,
          hub: h,
          userId,
          socketId: socket.id,
        })
        for (const [event, handler] of Object.entries(presence))
          socket.on(event as 'presence:move', handler)
        for (const handler of connectionHandlers) handler(socket, h)
        socket.emit('space:snapshot', await snapshot(spaceId, userId))
      } catch (error) {
        app.log.error({ err: error }, 'socket connection setup failed')
        socket.disconnect(true)
      }
    })

    // connections are closed before the HTTP server, or its close would wait on them
    app.addHook('preClose', async () => {
      io.local.disconnectSockets(true)
      io.engine.close()
    })
    app.addHook('onClose', async () => {
      for (const h of hubs.values()) (await h.catch(() => null))?.close()
      await Promise.all(redis.map((r) => r.quit()))
    })
  },
  { name: 'socket-server', dependencies: ['database', 'auth'] },
)

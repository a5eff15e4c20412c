import {
  type ClientToServerEvents,
  type ConnectErrorData,
  ErrorCode,
  type MemberRole,
  parse,
  type ServerToClientEvents,
  SOCKET_PATH,
  SocketAuth,
  type StreamEvent,
} from '@flare/protocol'
import { createAdapter } from '@socket.io/redis-adapter'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { Server, type Socket } from 'socket.io'
import { findUser } from '../auth/identity.js'
import { HttpError } from '../errors.js'
import { findMembership, findSpace, listRooms } from '../spaces/space-repository.js'
import { type Broadcaster, createBroadcaster, spaceRoom, userRoom } from './broadcaster.js'
import { SpaceHub } from './space-hub.js'

export interface SocketData {
  userId: string
  displayName: string
  spaceId: string
  role: MemberRole
  /** The session (logout closes this connection) or API token (revoking it does) it rests on. */
  sessionId: string | null
  tokenId: string | null
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
  /** Connections arrive here once authenticated; the `connections` plugin handles them. */
  io: FlareServer
  /** The live presence of a space in this process, created on first use. */
  hub(spaceId: string): Promise<SpaceHub>
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime
    /** The one way anything reaches connected clients and the integration stream. */
    broadcast: Broadcaster
  }
}

export { spaceRoom, userRoom }

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

    const broadcast = createBroadcaster(io, { clustered: redis.length > 0 })
    app.decorate('broadcast', broadcast)

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
          created.on('update', (update) => broadcast.toSpace(spaceId, 'presence:update', update))
          created.on('moved', (update, except) => {
            // the mover's own tab already shows where it walked to
            broadcast.toSpace(
              spaceId,
              'presence:update',
              update,
              except ? { exceptSocketId: except } : undefined,
            )
          })
          // what members do in the space is news for other features (a hand ends on these)
          created.on('roomEntered', (userId, roomId) => {
            void app.events.publish('member.enteredRoom', { spaceId, userId, roomId })
          })
          created.on('statusChanged', (userId, status) => {
            void app.events.publish('member.statusChanged', { spaceId, userId, status })
          })
          created.on('memberLeft', (userId, reason) => {
            void app.events.publish('member.left', { spaceId, userId, reason })
          })
          return created
        })()
        existing.catch(() => hubs.delete(spaceId))
        hubs.set(spaceId, existing)
      }
      return existing
    }

    app.decorate('realtime', { io, hub } satisfies Realtime)

    // a foreign Origin is refused before the cookie is looked at (cross-site WebSocket hijacking)
    io.use(app.originCheck.socketMiddleware)
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
          sessionId: identity.sessionId,
          tokenId: identity.tokenId,
        }
        next()
      } catch (error) {
        if (error instanceof HttpError) return next(refuse(error.body.code, error.body.message))
        app.log.error({ err: error }, 'socket handshake failed')
        next(refuse(ErrorCode.INTERNAL, 'The server could not check this connection.'))
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
  { name: 'socket-server', dependencies: ['database', 'auth', 'events', 'origin-check'] },
)

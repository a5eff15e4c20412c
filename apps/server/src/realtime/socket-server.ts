import {
  type ClientToServerEvents,
  type ConnectErrorData,
  ErrorCode,
  type MemberRole,
  PROTOCOL_VERSION,
  parse,
  type ServerToClientEvents,
  SOCKET_PATH,
  SocketAuth,
} from '@flare/protocol'
import { createAdapter } from '@socket.io/redis-adapter'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { Server, type Socket } from 'socket.io'
import { findUser } from '../auth/identity.js'
import { HttpError } from '../errors.js'
import { findMembership, findSpace, listRooms } from '../spaces/space-repository.js'
import { SpacePresence } from './presence.js'

export interface SocketData {
  userId: string
  displayName: string
  spaceId: string
  role: MemberRole
}

type InterServerEvents = Record<never, never>
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

declare module 'fastify' {
  interface FastifyInstance {
    io: FlareServer
  }
}

export function spaceRoom(spaceId: string): string {
  return `space:${spaceId}`
}

function refuse(code: string, message: string): Error {
  const error = new Error(message) as Error & { data: ConnectErrorData }
  error.data = { code, message }
  return error
}

/**
 * Socket.IO on the app's own HTTP server. A connection names its space in `auth.spaceId`,
 * proves who it is with the session cookie or `auth.token`, and is let in only as a member.
 */
export const socketServerPlugin = fp<{ redisUrl: string | null }>(
  async (app, { redisUrl }) => {
    const io: FlareServer = new Server(app.server, { path: SOCKET_PATH, serveClient: false })
    app.decorate('io', io)

    const redis = redisUrl ? [new Redis(redisUrl), new Redis(redisUrl)] : []
    if (redis[0] && redis[1]) io.adapter(createAdapter(redis[0], redis[1]))

    const presences = new Map<string, Promise<SpacePresence>>()
    function presenceOf(spaceId: string): Promise<SpacePresence> {
      let presence = presences.get(spaceId)
      if (!presence) {
        presence = (async () => {
          const [space, rooms] = await Promise.all([
            findSpace(app.database.db, spaceId),
            listRooms(app.database.db, spaceId),
          ])
          return new SpacePresence(
            { width: space?.mapWidth ?? 1200, height: space?.mapHeight ?? 800 },
            rooms,
          )
        })()
        presences.set(spaceId, presence)
      }
      return presence
    }

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
      const presence = await presenceOf(spaceId)
      if (socket.disconnected) return
      const joined = presence.connect({ userId, displayName, role })
      socket.on('disconnect', () => {
        if (presence.disconnect(userId)) {
          io.to(spaceRoom(spaceId)).emit('presence:update', { kind: 'left', userId })
        }
      })
      const rooms = await listRooms(app.database.db, spaceId)
      // join before the snapshot: nothing broadcast from now on can fall between the two
      await socket.join(spaceRoom(spaceId))
      socket.emit('space:snapshot', {
        protocolVersion: PROTOCOL_VERSION,
        spaceId,
        serverTime: app.clock().toISOString(),
        you: userId,
        members: presence.list(),
        rooms,
        escalations: [],
      })
      if (joined)
        socket.to(spaceRoom(spaceId)).emit('presence:update', { kind: 'joined', member: joined })
    })

    // connections are closed before the HTTP server, or its close would wait on them
    app.addHook('preClose', async () => {
      io.local.disconnectSockets(true)
      io.engine.close()
    })
    app.addHook('onClose', async () => {
      await Promise.all(redis.map((r) => r.quit()))
    })
  },
  { name: 'socket-server', dependencies: ['database', 'auth'] },
)

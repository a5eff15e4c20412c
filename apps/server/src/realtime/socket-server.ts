import {
  type ClientToServerEvents,
  type ConnectErrorData,
  ErrorCode,
  type MemberRole,
  type PresenceFormat,
  parse,
  presenceRows,
  type ServerToClientEvents,
  SOCKET_PATH,
  SocketAuth,
  type SpaceSnapshot,
  type StreamEvent,
} from '@flare/protocol'
import { createAdapter } from '@socket.io/redis-adapter'
import fp from 'fastify-plugin'
import { Server, type Socket } from 'socket.io'
import { HttpError, isUnavailable } from '../errors.js'
import { findSpace, listRooms } from '../spaces/space-repository.js'
import type { Revocation } from './authority.js'
import { type Broadcaster, createBroadcaster, spaceRoom, userRoom } from './broadcaster.js'
import { PresenceCluster } from './presence-cluster.js'
import { RedisLink } from './redis-link.js'
import { flareParser, snapshotFrame, snapshotPacket } from './snapshot-encoder.js'
import { SnapshotPacer } from './snapshot-pacer.js'
import { changesFor, type FlushDelivery, type PresenceChange, SpaceHub } from './space-hub.js'

export interface SocketData {
  userId: string
  displayName: string
  spaceId: string
  role: MemberRole
  /** The session (logout closes this connection) or API token (revoking it does) it rests on. */
  sessionId: string | null
  tokenId: string | null
  /** When that session expires (epoch ms): the connection closes then; null for a token. */
  expiresAt: number | null
  /** How presence reaches this connection (`auth.presenceFormat`, `objects` unless asked). */
  presenceFormat: PresenceFormat
}

interface InterServerEvents {
  /** A stream event published in another process, for this process's stream subscribers. */
  stream: (event: StreamEvent) => void
  /** A session, token or membership was withdrawn: close this process's streams resting on it. */
  revoked: (revocation: Revocation) => void
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
  /** The live presence of a space (this process's replica of the cluster's), created on first use. */
  hub(spaceId: string): Promise<SpaceHub>
  /**
   * How many connections of a user the other processes hold, as this process's presence
   * replicas know them (the spaces it follows); 0 when the server runs alone.
   */
  remoteConnections(userId: string): number
  /** `off` when the server runs alone (no REDIS_URL). */
  redisState(): 'up' | 'down' | 'off'
  /**
   * Whether presence is known across every process right now: always when alone, and with
   * Redis only while it answers. Nothing may end a hand on "not present" when this is false.
   */
  presenceSynced(): boolean
  /**
   * After an outage, a space's presence was read back from the cluster: its clients need a
   * fresh snapshot (the `connections` plugin sends it).
   */
  onResynced(listener: (spaceId: string) => void): void
  /**
   * Snapshots are due for these sockets of this process (`hub.requestSnapshot`); the
   * `connections` plugin builds them and, right before sending, takes the members from
   * `hub.sendingSnapshots` (until then those sockets get no diffs).
   */
  onSnapshotsDue(listener: SnapshotsDue): void
  /**
   * Sends a socket its snapshot, counted by the process's pacer until its connection has
   * written it out (see snapshot-pacer.ts).
   */
  sendSnapshot(socket: FlareSocket, snapshot: SpaceSnapshot): void
}

export type SnapshotsDue = (spaceId: string, socketIds: readonly string[]) => void

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime
    /** The one way anything reaches connected clients and the integration stream. */
    broadcast: Broadcaster
  }
}

export { spaceRoom, userRoom }

/**
 * How many bytes of snapshots may be written to connections and not yet taken by them, per
 * process: a join storm's snapshots go out as fast as the clients read, never faster.
 */
const SNAPSHOT_BUDGET_BYTES = 32 * 1024 * 1024

function refuse(code: string, message: string): Error {
  const error = new Error(message) as Error & { data: ConnectErrorData }
  error.data = { code, message }
  return error
}

export interface SocketServerOptions {
  redisUrl: string | null
  reconnectGraceMs: number
  moveFlushMs: number
  /** How long a dead process's connections still count, with Redis (its lease). */
  presenceLeaseMs: number
  /** Socket.IO's ping interval and timeout (see `AppOptions.heartbeat`). */
  heartbeat: { intervalMs: number; timeoutMs: number }
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
      // Socket.IO's parser, writing snapshots from per-member JSON cached by the hub
      parser: flareParser,
      // no legitimate event comes near this; a larger frame closes the connection
      maxHttpBufferSize: 64 * 1024,
      // notice a vanished client (a closed laptop, a connection that never said goodbye) within
      // 15 s rather than Socket.IO's default 45 s, so the 30 s reconnect grace starts promptly
      pingInterval: options.heartbeat.intervalMs,
      pingTimeout: options.heartbeat.timeoutMs,
    })

    const link = options.redisUrl
      ? new RedisLink({ url: options.redisUrl, log: app.log.child({ feature: 'redis' }) })
      : null
    if (link) io.adapter(createAdapter(link.commands, link.adapterSub))

    const broadcast = createBroadcaster(io, { clustered: link !== null })
    app.decorate('broadcast', broadcast)

    const resyncListeners: Array<(spaceId: string) => void> = []
    const cluster = link
      ? new PresenceCluster({
          link,
          log: app.log.child({ feature: 'presence' }),
          leaseMs: options.presenceLeaseMs,
          flushMs: options.moveFlushMs,
          onResynced: (spaceId) => {
            for (const listener of resyncListeners) listener(spaceId)
          },
        })
      : null

    // snapshots written but not yet taken by the clients' connections, for all spaces together
    const pacer = new SnapshotPacer(SNAPSHOT_BUDGET_BYTES)
    const hubs = new Map<string, Promise<SpaceHub>>()
    /** The hubs already created, for what must be answered without waiting. */
    const settled = new Map<string, SpaceHub>()

    const snapshotListeners: SnapshotsDue[] = []

    /**
     * A flush reaches this process's own clients (every process works out its own): the diffs
     * to every connection of the space but those getting a snapshot now, each mover without its
     * own move, and the snapshots to whoever asked for one.
     */
    function deliver(spaceId: string, changes: readonly PresenceChange[], to: FlushDelivery): void {
      const updates = changes.map((c) => c.update)
      if (updates.length > 0) {
        const except = [...to.snapshots, ...to.waiting, ...to.movers.keys()]
        // the contract's one event, a change each, in order: a client that listens to
        // `presence:update` alone misses nothing however many changes a flush holds
        broadcast.eachToPresenceFormat(spaceId, 'objects', 'presence:update', updates, except)
        broadcast.toPresenceFormat(
          spaceId,
          'rows',
          'presence:rows',
          () => presenceRows(updates),
          except,
        )
      }
      for (const [socketId, mover] of to.movers) {
        const list = changesFor(changes, mover)
        if (list.length === 0) continue
        const local = { local: true }
        if (io.sockets.sockets.get(socketId)?.data.presenceFormat === 'rows')
          broadcast.toSocket(socketId, 'presence:rows', presenceRows(list), local)
        else
          for (const update of list) broadcast.toSocket(socketId, 'presence:update', update, local)
      }
      if (to.snapshots.length > 0) {
        for (const listener of snapshotListeners) listener(spaceId, to.snapshots)
      }
    }

    function hub(spaceId: string): Promise<SpaceHub> {
      let existing = hubs.get(spaceId)
      if (!existing) {
        existing = (async () => {
          const [space, rooms] = await Promise.all([
            findSpace(app.database.db, spaceId),
            listRooms(app.database.db, spaceId),
          ])
          if (!space) throw new Error(`no space ${spaceId}`)
          const created = new SpaceHub(
            {
              map: { width: space.mapWidth, height: space.mapHeight },
              rooms,
              reconnectGraceMs: options.reconnectGraceMs,
              moveFlushMs: options.moveFlushMs,
              snapshotPacing: pacer,
            },
            cluster?.forSpace(spaceId) ?? null,
          )
          created.on('flush', (changes, delivery) => deliver(spaceId, changes, delivery))
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
          await cluster?.attach(spaceId, created)
          settled.set(spaceId, created)
          return created
        })()
        existing.catch(() => hubs.delete(spaceId))
        hubs.set(spaceId, existing)
      }
      return existing
    }

    app.decorate('realtime', {
      io,
      hub,
      remoteConnections(userId) {
        let count = 0
        for (const h of settled.values()) count += h.remoteConnections(userId)
        return count
      },
      redisState: () => link?.state ?? 'off',
      presenceSynced: () => cluster?.synced ?? true,
      onResynced: (listener) => {
        resyncListeners.push(listener)
      },
      onSnapshotsDue: (listener) => {
        snapshotListeners.push(listener)
      },
      sendSnapshot(socket, snapshot) {
        if (!socket.connected) return
        // the same packet `socket.emit('space:snapshot', snapshot)` writes, through the
        // connection's own send so the pacer hears when it is written out; on a WebSocket as
        // its frame, made of the flush's shared member bytes (long polling takes the string)
        const format = socket.data.presenceFormat
        const packet =
          socket.conn.transport.name === 'websocket'
            ? { frame: snapshotFrame(snapshot, format) }
            : { text: snapshotPacket(snapshot, format) }
        pacer.write(socket.conn, packet, snapshot.members.length)
      },
    } satisfies Realtime)

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
        // who, their name and their membership: one lookup, shared by a join storm's handshakes
        const { identity, member } = await app.identifyMember(
          {
            authorization: auth.value.token ? `Bearer ${auth.value.token}` : authorization,
            cookie,
          },
          auth.value.spaceId,
        )
        if (!member) return next(refuse(ErrorCode.NOT_FOUND, 'No such space.'))
        socket.data = {
          userId: identity.userId,
          displayName: member.displayName,
          spaceId: member.spaceId,
          role: member.role,
          sessionId: identity.sessionId,
          tokenId: identity.tokenId,
          expiresAt: identity.expiresAt?.getTime() ?? null,
          presenceFormat: auth.value.presenceFormat ?? 'objects',
        }
        next()
      } catch (error) {
        if (error instanceof HttpError) return next(refuse(error.body.code, error.body.message))
        if (isUnavailable(error)) {
          return next(
            refuse(
              ErrorCode.UNAVAILABLE,
              'The server cannot check this connection right now: try again.',
            ),
          )
        }
        app.log.error({ err: error }, 'socket handshake failed')
        next(refuse(ErrorCode.INTERNAL, 'The server could not check this connection.'))
      }
    })

    // connections are closed before the HTTP server, or its close would wait on them; the hubs
    // stop first, so those closes start no grace here (the members' fate is the other
    // processes' or, after a restart, the hands' restart grace)
    app.addHook('preClose', async () => {
      for (const h of hubs.values()) (await h.catch(() => null))?.close()
      io.local.disconnectSockets(true)
      io.engine.close()
    })
    app.addHook('onClose', async () => {
      // the connections just closed are told to the other processes before letting go
      await cluster?.close()
      await link?.close()
    })
  },
  { name: 'socket-server', dependencies: ['database', 'auth', 'events', 'origin-check'] },
)

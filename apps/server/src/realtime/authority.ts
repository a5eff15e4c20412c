import { type ApiError, type ConnectErrorData, ErrorCode, parse } from '@flare/protocol'
import { type Static, Type } from '@sinclair/typebox'
import fp from 'fastify-plugin'
import { hashSecret } from '../auth/secrets.js'
import { isUnavailable, unavailable } from '../errors.js'
import { createRateWindows, type WindowLimit } from '../limits/rate-window.js'
import { findMembership } from '../spaces/space-repository.js'
import { type FlareSocket, userRoom } from './socket-server.js'

/** Per-member limits on live connections and what they send (README "Limits"). */
export interface RealtimeLimits {
  /** `chat:send` per member and space, counted in the database. */
  chat: WindowLimit
  /** Open Socket.IO connections per user, all spaces and processes together. */
  connectionsPerUser: number
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  chat: { limit: 20, windowMs: 10_000 },
  connectionsPerUser: 20,
}

/** The connections one login session opened (its id is already a hash; hashed again for the room name). */
export function sessionRoom(sessionId: string): string {
  return `session:${hashSecret(sessionId).slice(0, 32)}`
}
/** The connections opened with one API token. */
export function tokenRoom(tokenId: string): string {
  return `token:${tokenId}`
}
/** Every connection of one user, whatever the space: what the connection limit counts. */
export function personRoom(userId: string): string {
  return `user:${userId}`
}

/**
 * Client events that act with the member's authority: each is let through only after the
 * membership and role are read again from the database, so a removed member or a demoted
 * manager cannot keep using powers the handshake saw. Presence events (moves come many a
 * second) are not among them; a removed member's connections are closed instead.
 */
const CHECKED_EVENTS = new Set([
  'escalation:raise',
  'escalation:end',
  'escalation:lower-all',
  'escalation:respond',
  'chat:send',
  'chat:read',
  'ticket:acknowledge',
])

/** What was withdrawn; sent to every process so each closes its own streams. */
const Revocation = Type.Union([
  Type.Object({ kind: Type.Literal('session'), sessionId: Type.String() }),
  Type.Object({ kind: Type.Literal('token'), tokenId: Type.String() }),
  Type.Object({ kind: Type.Literal('member'), spaceId: Type.String(), userId: Type.String() }),
  Type.Object({ kind: Type.Literal('wallboard'), wallboardId: Type.String() }),
])
export type Revocation = Static<typeof Revocation>

/** Who holds an open `GET /api/stream`, so it can be closed when that is withdrawn. */
export interface StreamHolder {
  userId: string
  spaceId: string
  sessionId: string | null
  tokenId: string | null
  /** A wallboard's live connection: it rests on the board's link, not on a person. */
  wallboardId?: string | null
}

export interface Authority {
  /** A session ended (logout): its sockets and streams close, in every process. */
  sessionEnded(sessionId: string): Promise<void>
  /** An API token was revoked: the sockets and streams it opened close, in every process. */
  tokenRevoked(tokenId: string): Promise<void>
  /** A member was removed from a space: their sockets and streams there close, in every process. */
  memberRemoved(spaceId: string, userId: string): Promise<void>
  /**
   * Why one more connection of this user is refused (`RATE_LIMITED`: Socket.IO sockets and
   * plain streams together are at `connectionsPerUser`), or null when it may open.
   */
  connectionRefusal(userId: string): ApiError | null
  /** A wallboard link was revoked: its live connections close, in every process. */
  wallboardRevoked(wallboardId: string): Promise<void>
  /**
   * Checks each sensitive event of this connection at use: the membership still holds, the
   * role is the current one (refreshed into `socket.data`), the chat limit is kept.
   */
  guard(socket: FlareSocket): void
  /**
   * Registers an open stream, closed by a revocation or when its session expires (`expiresAt`,
   * epoch ms; null for a token); returns the function that forgets it (call it on close).
   */
  trackStream(holder: StreamHolder, close: () => void, expiresAt: number | null): () => void
}

// setTimeout takes at most 2^31 - 1 ms (about 24.8 days); a later expiry is waited for in steps
const LONGEST_TIMER_MS = 2_147_483_647

/**
 * Calls `close` once `expiresAt` (epoch ms, by `clock`) has passed, so a connection does not
 * outlive the session it was opened with; null never closes. Returns the function that cancels.
 */
export function closeAtExpiry(
  expiresAt: number | null,
  clock: () => Date,
  close: () => void,
): () => void {
  if (expiresAt === null) return () => {}
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    const left = expiresAt - clock().getTime()
    if (left <= 0) {
      timer = undefined
      close()
      return
    }
    timer = setTimeout(arm, Math.min(left, LONGEST_TIMER_MS))
    timer.unref()
  }
  arm()
  return () => clearTimeout(timer)
}

declare module 'fastify' {
  interface FastifyInstance {
    authority: Authority
  }
}

function matches(revocation: Revocation, holder: StreamHolder): boolean {
  switch (revocation.kind) {
    case 'session':
      return holder.sessionId === revocation.sessionId
    case 'token':
      return holder.tokenId === revocation.tokenId
    case 'member':
      return holder.spaceId === revocation.spaceId && holder.userId === revocation.userId
    case 'wallboard':
      return holder.wallboardId === revocation.wallboardId
  }
}

function refusal(error: ApiError): Error & { data: ConnectErrorData } {
  const e = new Error(error.message) as Error & { data: ConnectErrorData }
  e.data = error
  return e
}

export interface AuthorityOptions {
  limits: RealtimeLimits
}

/**
 * Authority checked where it is used (issue #11): withdrawing a session, a token or a
 * membership closes the live connections that rest on it, in every process (Socket.IO rooms
 * per session, token and member, closed with `disconnectSockets`, which the Redis adapter
 * carries; streams through the adapter's server-side events); events that act with a member's
 * authority read the membership again first; and the per-member limits on connections and chat.
 * Nothing here waits for Redis: the server starts and serves while it is away (SPEC §12.2).
 */
export const authorityPlugin = fp<AuthorityOptions>(
  async (app, { limits }) => {
    const { io } = app.realtime
    const db = app.database.db
    const log = app.log.child({ feature: 'authority' })
    const windows = createRateWindows(db)
    const clustered = app.realtime.redisState() !== 'off'

    // ---- streams, and what reaches the other processes' streams
    const streams = new Map<StreamHolder, () => void>()
    function closeStreams(revocation: Revocation): void {
      for (const [holder, close] of streams) if (matches(revocation, holder)) close()
    }
    // from the other processes, through the Socket.IO adapter (Redis): validated like any input
    io.on('revoked', (data: unknown) => {
      const revocation = parse(Revocation, data)
      if (revocation.ok) closeStreams(revocation.value)
    })

    function revoke(revocation: Revocation, room: string | null): Promise<void> {
      // sockets in every process: the adapter carries it (while Redis is away, this process's)
      if (room) io.in(room).disconnectSockets(true)
      closeStreams(revocation)
      // the other processes' streams; while Redis is away the publish is dropped by the link
      if (clustered) io.serverSideEmit('revoked', revocation)
      return Promise.resolve()
    }

    app.decorate('authority', {
      sessionEnded: (sessionId) => revoke({ kind: 'session', sessionId }, sessionRoom(sessionId)),
      tokenRevoked: (tokenId) => revoke({ kind: 'token', tokenId }, tokenRoom(tokenId)),
      memberRemoved: (spaceId, userId) =>
        revoke({ kind: 'member', spaceId, userId }, userRoom(spaceId, userId)),
      connectionRefusal,
      // a board has no Socket.IO connection: its plain WebSocket is among the streams
      wallboardRevoked: (wallboardId) => revoke({ kind: 'wallboard', wallboardId }, null),
      guard,
      trackStream(holder, close, expiresAt) {
        streams.set(holder, close)
        const cancel = closeAtExpiry(expiresAt, app.clock, close)
        return () => {
          cancel()
          streams.delete(holder)
        }
      },
    } satisfies Authority)

    // ---- the connection limit, and the rooms revocation closes
    /**
     * The user's open connections: this process's, exactly (all spaces), and the other
     * processes' as this process's presence replicas know them (no round trip: the replica is
     * read back from Redis when a space is first followed and kept by the presence channel).
     */
    function openConnections(userId: string): number {
      const here = io.sockets.adapter.rooms.get(personRoom(userId))?.size ?? 0
      let streamsHere = 0
      for (const holder of streams.keys()) {
        if (holder.userId === userId && !holder.wallboardId) streamsHere += 1
      }
      return here + streamsHere + app.realtime.remoteConnections(userId)
    }
    function connectionRefusal(userId: string): ApiError | null {
      if (openConnections(userId) < limits.connectionsPerUser) return null
      return {
        code: ErrorCode.RATE_LIMITED,
        message: `At most ${limits.connectionsPerUser} connections at once: close another tab or device first.`,
      }
    }

    // registered after the handshake's authentication, which fills socket.data
    io.use((socket, next) => {
      const { userId, spaceId, sessionId, tokenId } = socket.data
      // the space's replica is followed before counting, so its other processes are known
      app.realtime.hub(spaceId).then(
        () => {
          // counted and joined in one turn: the next handshake of the same user counts this one
          const refused = connectionRefusal(userId)
          if (refused) return next(refusal(refused))
          const rooms = [personRoom(userId)]
          if (sessionId) rooms.push(sessionRoom(sessionId))
          if (tokenId) rooms.push(tokenRoom(tokenId))
          socket.join(rooms)
          // a session that expires by itself closes its sockets then, as logging out does
          const cancel = closeAtExpiry(socket.data.expiresAt, app.clock, () =>
            socket.disconnect(true),
          )
          socket.once('disconnect', cancel)
          next()
        },
        (err: unknown) => {
          if (isUnavailable(err)) {
            return next(
              refusal(
                unavailable('The server cannot check this connection right now: try again.').body,
              ),
            )
          }
          log.error({ err }, 'connection limit check failed')
          next(
            refusal({
              code: ErrorCode.INTERNAL,
              message: 'The server could not check this connection.',
            }),
          )
        },
      )
    })

    // ---- authority and limits at use: connections.ts guards every connection with this
    function guard(socket: FlareSocket): void {
      socket.use(([event, ...args], next) => {
        if (!CHECKED_EVENTS.has(event)) return next()
        const last = args.at(-1)
        const ack = typeof last === 'function' ? (result: unknown) => last(result) : () => {}
        const { spaceId, userId } = socket.data
        void (async () => {
          try {
            const membership = await findMembership(db, spaceId, userId)
            if (!membership) {
              ack({
                ok: false,
                error: {
                  code: ErrorCode.NOT_FOUND,
                  message: 'You are no longer a member of this space.',
                },
              })
              socket.disconnect(true)
              return
            }
            // handlers read the role from socket.data when they run: this is the current one
            socket.data.role = membership.role
            if (event === 'chat:send') {
              const waitMs = await windows.hit(
                `chat:${spaceId}:${userId}`,
                limits.chat,
                app.clock(),
              )
              if (waitMs !== null) {
                const seconds = Math.ceil(waitMs / 1000)
                ack({
                  ok: false,
                  error: {
                    code: ErrorCode.RATE_LIMITED,
                    message: `At most ${limits.chat.limit} messages every ${limits.chat.windowMs / 1000} s. Try again in ${seconds} s.`,
                    retryAfterMs: waitMs,
                  },
                })
                return
              }
            }
            next()
          } catch (err) {
            // the database is away: say so, so the client can try again (SPEC §12.2.2)
            if (isUnavailable(err)) return ack({ ok: false, error: unavailable().body })
            log.error({ err, event }, 'authority check failed')
            ack({
              ok: false,
              error: { code: ErrorCode.INTERNAL, message: 'Something went wrong on our side.' },
            })
          }
        })()
      })
    }
  },
  { name: 'authority', dependencies: ['database', 'socket-server'] },
)

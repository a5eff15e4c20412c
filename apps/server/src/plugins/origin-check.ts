import { type ConnectErrorData, ErrorCode } from '@flare/protocol'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Socket } from 'socket.io'
import { HttpError } from '../errors.js'

export interface OriginCheckOptions {
  /** `PUBLIC_URL`: its origin is always accepted. */
  publicUrl: string
  /** `ALLOWED_ORIGINS`: further origins (scheme, host and port) that are accepted. */
  allowedOrigins: readonly string[]
}

export interface OriginCheck {
  /** Whether a request or handshake with these headers may go ahead. */
  allows(request: {
    origin: string | undefined
    host: string | undefined
    secure: boolean
  }): boolean
  /** Socket.IO middleware: refuses a handshake from a foreign origin with `BAD_ORIGIN`. */
  socketMiddleware(socket: Socket, next: (error?: Error) => void): void
}

declare module 'fastify' {
  interface FastifyInstance {
    originCheck: OriginCheck
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** `http://Example.com:80/x` → `http://example.com`; null for anything that is not an http(s) origin. */
function originOf(text: string): string | null {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null
  } catch {
    return null
  }
}

function refusalMessage(origin: string): string {
  return (
    `Requests from ${origin} are not accepted with your session. Open Flare at its own address, ` +
    'or ask the operator to add that origin to ALLOWED_ORIGINS.'
  )
}

function hasBearer(authorization: string | undefined): boolean {
  return authorization !== undefined && /^Bearer\s/i.test(authorization)
}

/**
 * Cross-site request forgery and cross-site WebSocket hijacking: a page on another site can
 * make the browser send Flare's session cookie (SameSite=Lax lets same-site sibling origins
 * through), but it cannot hide its own `Origin`. State-changing requests and WebSocket
 * handshakes carrying a foreign `Origin` are refused with 403 `BAD_ORIGIN`. Accepted: the
 * request's own origin (same scheme, host and port as the `Host` it was sent to), the origin of
 * `PUBLIC_URL` and those in `ALLOWED_ORIGINS`. No `Origin` (scripts, servers, providers) and
 * Bearer-token calls, which no other site can make on someone's behalf, are not affected.
 */
export const originCheckPlugin = fp<OriginCheckOptions>(
  async (app, options) => {
    const trusted = new Set<string>()
    for (const origin of [options.publicUrl, ...options.allowedOrigins]) {
      const normal = originOf(origin)
      if (normal) trusted.add(normal)
    }

    const allows: OriginCheck['allows'] = ({ origin, host, secure }) => {
      if (origin === undefined) return true
      const normal = originOf(origin)
      // `Origin: null` (sandboxed frames, some redirects) is no origin we can trust
      if (!normal) return false
      if (trusted.has(normal)) return true
      return host !== undefined && normal === originOf(`${secure ? 'https' : 'http'}://${host}`)
    }

    app.decorate('originCheck', {
      allows,
      socketMiddleware(socket, next) {
        const { headers, auth, secure } = socket.handshake
        const token = typeof auth === 'object' && auth !== null && 'token' in auth && auth.token
        if (token || hasBearer(headers.authorization)) return next()
        const origin = headers.origin
        if (allows({ origin, host: headers.host, secure })) return next()
        const error = new Error(refusalMessage(String(origin))) as Error & {
          data: ConnectErrorData
        }
        error.data = { code: ErrorCode.BAD_ORIGIN, message: error.message }
        next(error)
      },
    } satisfies OriginCheck)

    function check(request: FastifyRequest): void {
      if (hasBearer(request.headers.authorization)) return
      const origin = request.headers.origin
      if (allows({ origin, host: request.host, secure: request.protocol === 'https' })) return
      throw new HttpError(403, {
        code: ErrorCode.BAD_ORIGIN,
        message: refusalMessage(String(origin)),
      })
    }
    // changes are refused first thing, before their body is even read
    app.addHook('onRequest', async (request) => {
      if (STATE_CHANGING.has(request.method)) check(request)
    })
    // WebSocket upgrades after @fastify/websocket's own onRequest hook has taken the socket in
    // hand, so that the refusal is written to it and it is closed
    app.addHook('preValidation', async (request) => {
      if (request.headers.upgrade?.toLowerCase() === 'websocket') check(request)
    })
  },
  { name: 'origin-check' },
)

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import websocket from '@fastify/websocket'
import { ErrorCode, type StreamEvent, StreamQuery } from '@flare/protocol'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError } from '../errors.js'
import { callerSpace } from '../plugins/auth.js'

/**
 * Registers @fastify/websocket so that it shares the HTTP server's upgrades with Socket.IO:
 * the plugin would route every upgrade through Fastify's router, which knows nothing of
 * `/socket.io/`, so its listener is swapped for one that leaves Socket.IO's requests alone.
 * Must be registered before Socket.IO attaches.
 */
export const websocketPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(websocket, { options: { maxPayload: 4096 } })
    const listeners = app.server.listeners('upgrade') as Array<(...args: unknown[]) => void>
    for (const listener of listeners) app.server.removeListener('upgrade', listener)
    app.server.on('upgrade', (request: { url?: string }, ...rest: unknown[]) => {
      if (request.url?.startsWith('/socket.io/')) return
      for (const listener of listeners) listener(request, ...rest)
    })
  },
  { name: 'websocket' },
)

/**
 * `GET /api/stream`: a plain WebSocket that pushes the space's escalation events as JSON, for
 * wallboards and contact-center systems that do not speak Socket.IO. Authenticated like the
 * REST API (Bearer token or session cookie), members only. The space is the caller's only one,
 * or the one `?spaceId=` names (required of a member of several).
 */
export const streamPlugin = fp(
  async (app) => {
    app.withTypeProvider<TypeBoxTypeProvider>().get(
      '/api/stream',
      {
        websocket: true,
        schema: {
          tags: ['escalations'],
          summary:
            'WebSocket: a snapshot of active escalations, then every escalation event, as JSON',
          description:
            "Counts with the user's Socket.IO connections against 20 open at once: over it, " +
            '429 RATE_LIMITED before the upgrade.',
          querystring: StreamQuery,
        },
        preHandler: async (request) => {
          request.identity ??= await app.identify(request.headers)
          request.membership = await callerSpace(
            app.database.db,
            request.identity.userId,
            request.query.spaceId,
          )
          // streams count with the user's sockets against the same limit (SPEC §12.6)
          const refused = app.authority.connectionRefusal(request.identity.userId)
          if (refused) throw new HttpError(429, refused)
        },
      },
      async (socket, request) => {
        const spaceId = request.membership?.spaceId
        if (!spaceId) {
          socket.close(1008, ErrorCode.NOT_FOUND)
          return
        }
        // several upgrades may pass the check before any is counted: the last ones close
        if (app.authority.connectionRefusal(request.membership?.userId ?? '')) {
          socket.close(1008, ErrorCode.RATE_LIMITED)
          return
        }
        const send = (event: StreamEvent) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event))
        }
        // subscribe before reading the snapshot, so nothing falls between the two
        const stop = app.broadcast.onStream(spaceId, send)
        // logout, a revoked token or a removed membership closes it (1008: policy violation)
        const forget = app.authority.trackStream(
          {
            spaceId,
            userId: request.membership?.userId ?? '',
            sessionId: request.identity?.sessionId ?? null,
            tokenId: request.identity?.tokenId ?? null,
          },
          () => socket.close(1008, 'REVOKED'),
          request.identity?.expiresAt?.getTime() ?? null,
        )
        socket.on('close', () => {
          stop()
          forget()
        })
        const escalations = await app.hands.listActive(spaceId)
        send({ type: 'snapshot', spaceId, serverTime: app.clock().toISOString(), escalations })
      },
    )
  },
  { name: 'stream', dependencies: ['auth', 'socket-server', 'websocket', 'hands', 'authority'] },
)

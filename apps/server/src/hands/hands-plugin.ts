import { EndReason, type EscalationDto } from '@flare/protocol'
import fp from 'fastify-plugin'
import { listActive, listAllActive } from './hand-repository.js'
import { handRoutes } from './hand-routes.js'
import { createHandService, type HandService } from './hand-service.js'

export interface HandsPluginOptions {
  /** How long a raiser may stay away after a server restart before their hand comes down. */
  reconnectGraceMs: number
  raisesPerMinute: number
}

export interface Hands {
  service: HandService
  /** The hands up in a space, oldest first: every snapshot carries them (escalations are state). */
  listActive(spaceId: string): Promise<EscalationDto[]>
}

declare module 'fastify' {
  interface FastifyInstance {
    hands: Hands
  }
}

/**
 * Manual escalations, the raised hand (SPEC §3). Its socket events (`createHandHandlers`)
 * are registered with every connection's in `realtime/connections.ts`.
 */
export const handsPlugin = fp<HandsPluginOptions>(
  async (app, options) => {
    const db = app.database.db
    const log = app.log.child({ feature: 'escalations' })
    const service = createHandService({
      db,
      clock: app.clock,
      broadcast: app.broadcast,
      events: app.events,
      hub: (spaceId) => app.realtime.hub(spaceId),
      log,
      raisesPerMinute: options.raisesPerMinute,
    })

    app.decorate('hands', {
      service,
      listActive: (spaceId) => listActive(db, spaceId),
    } satisfies Hands)

    const endQuietly = (spaceId: string, userId: string, reason: EndReason) => {
      service.endBecause(spaceId, userId, reason).catch((err: unknown) => {
        log.error({ err, spaceId, userId, reason }, 'could not end an escalation')
      })
    }
    // a hand comes down when its raiser walks into a room, goes away or leaves (SPEC §3)
    app.events.on('member.enteredRoom', ({ spaceId, userId }) =>
      service.endBecause(spaceId, userId, EndReason.ENTERED_ROOM),
    )
    app.events.on('member.statusChanged', async ({ spaceId, userId, status }) => {
      if (status === 'away') await service.endBecause(spaceId, userId, EndReason.AWAY)
    })
    app.events.on('member.left', ({ spaceId, userId, reason }) =>
      service.endBecause(
        spaceId,
        userId,
        reason === 'left' ? EndReason.LEFT : EndReason.DISCONNECTED,
      ),
    )

    // after a restart nobody is connected: give each raiser the same grace as a dropped
    // connection to come back before their hand comes down
    const timers: NodeJS.Timeout[] = []
    app.addHook('onReady', async () => {
      for (const e of await listAllActive(db)) {
        if (e.origin !== 'space') continue
        const timer = setTimeout(async () => {
          try {
            const hub = await app.realtime.hub(e.spaceId)
            if (!hub.get(e.raisedBy)) endQuietly(e.spaceId, e.raisedBy, EndReason.DISCONNECTED)
          } catch (err) {
            log.error({ err }, 'restart grace check failed')
          }
        }, options.reconnectGraceMs)
        timer.unref()
        timers.push(timer)
      }
    })
    app.addHook('onClose', async () => {
      for (const t of timers) clearTimeout(t)
    })

    await app.register(handRoutes, { prefix: '/api', service })
  },
  { name: 'hands', dependencies: ['database', 'auth', 'events', 'socket-server'] },
)

import { EndReason, type EscalationDto } from '@flare/protocol'
import fp from 'fastify-plugin'
import { createActiveHands } from './active-hands.js'
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
  /**
   * The hands up in a space, oldest first: every snapshot carries them (escalations are state).
   * From memory once the space was read; `reload` reads it again (after a Redis outage, when
   * other processes' events may have been missed).
   */
  listActive(spaceId: string, options?: { reload?: boolean }): Promise<EscalationDto[]>
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

    const active = createActiveHands({
      broadcast: app.broadcast,
      read: (spaceId) => listActive(db, spaceId),
    })
    app.decorate('hands', {
      service,
      listActive: (spaceId, options) =>
        options?.reload ? active.reload(spaceId) : active.list(spaceId),
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
    app.events.on('member.removed', ({ spaceId, userId, removedBy }) =>
      service.endRemoved(spaceId, userId, removedBy),
    )
    app.events.on('member.left', ({ spaceId, userId, reason }) =>
      service.endBecause(
        spaceId,
        userId,
        reason === 'left' ? EndReason.LEFT : EndReason.DISCONNECTED,
      ),
    )

    // after a restart nobody is connected here: give each raiser the same grace as a dropped
    // connection to come back. With other processes running, a raiser connected to any of them
    // is present, and one whose process died is ended by presence itself after its grace.
    const timers = new Set<NodeJS.Timeout>()
    const checkLater = (e: { spaceId: string; raisedBy: string }, ms: number) => {
      const timer = setTimeout(async () => {
        timers.delete(timer)
        try {
          // while the other processes cannot be asked, "not here" proves nothing: ask again later
          if (!app.realtime.presenceSynced()) return checkLater(e, 1_000)
          const hub = await app.realtime.hub(e.spaceId)
          if (!hub.get(e.raisedBy)) endQuietly(e.spaceId, e.raisedBy, EndReason.DISCONNECTED)
        } catch (err) {
          log.error({ err }, 'restart grace check failed')
        }
      }, ms)
      timer.unref()
      timers.add(timer)
    }
    app.addHook('onReady', async () => {
      for (const e of await listAllActive(db)) {
        if (e.origin === 'space') checkLater(e, options.reconnectGraceMs)
      }
    })
    app.addHook('onClose', async () => {
      for (const t of timers) clearTimeout(t)
    })

    await app.register(handRoutes, { prefix: '/api', service })
  },
  { name: 'hands', dependencies: ['database', 'auth', 'events', 'socket-server'] },
)

import { EndReason } from '@flare/protocol'
import fp from 'fastify-plugin'
import { createEscalationHandlers } from './escalation-handlers.js'
import { listActive, listAllActive } from './escalation-repository.js'
import { escalationRoutes } from './escalation-routes.js'
import { createEscalationService } from './escalation-service.js'

export interface EscalationPluginOptions {
  /** How long a raiser may stay away after a server restart before their hand comes down. */
  reconnectGraceMs: number
  raisesPerMinute: number
}

/** Manual escalations, the raised hand (SPEC §3). */
export const escalationPlugin = fp<EscalationPluginOptions>(
  async (app, options) => {
    const db = app.database.db
    const log = app.log.child({ feature: 'escalations' })
    const service = createEscalationService({
      db,
      clock: app.clock,
      realtime: app.realtime,
      log,
      raisesPerMinute: options.raisesPerMinute,
    })

    // escalations are state: every snapshot carries the active ones
    app.realtime.provideEscalations((spaceId) => listActive(db, spaceId))

    app.realtime.onConnection((socket) => {
      // socket.data itself, not a copy: the authority check refreshes its role before each
      // event that needs one, so a demoted manager is refused at once
      const handlers = createEscalationHandlers({
        log,
        service,
        spaceId: socket.data.spaceId,
        actor: socket.data,
      })
      for (const [event, handler] of Object.entries(handlers))
        socket.on(event as 'escalation:raise', handler)
    })

    const endQuietly = (spaceId: string, userId: string, reason: EndReason) => {
      service.endBecause(spaceId, userId, reason).catch((err: unknown) => {
        log.error({ err, spaceId, userId, reason }, 'could not end an escalation')
      })
    }
    app.realtime.onHub((hub, spaceId) => {
      hub.on('roomEntered', (userId) => endQuietly(spaceId, userId, EndReason.ENTERED_ROOM))
      hub.on('statusChanged', (userId, status) => {
        if (status === 'away') endQuietly(spaceId, userId, EndReason.AWAY)
      })
      hub.on('memberLeft', (userId, reason) =>
        endQuietly(spaceId, userId, reason === 'left' ? EndReason.LEFT : EndReason.DISCONNECTED),
      )
    })

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

    await app.register(escalationRoutes, { prefix: '/api', service })
  },
  { name: 'escalations', dependencies: ['database', 'auth', 'socket-server'] },
)

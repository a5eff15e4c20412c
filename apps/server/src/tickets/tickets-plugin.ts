import fp from 'fastify-plugin'
import { createCountsPush } from './counts-push.js'
import { createDemoTraffic } from './demo-traffic.js'
import { createHoldScheduler } from './hold-scheduler.js'
import { inboundRoutes } from './inbound-routes.js'
import { inboxRoutes } from './inbox-routes.js'
import { ticketRoutes } from './ticket-routes.js'
import { createTicketService, type TicketService } from './ticket-service.js'

export interface Tickets {
  service: TicketService
  /** Reopens the holds ended by `now`; the hold timer does it, and so may tests. */
  checkHolds(now: Date): Promise<string[]>
  /** Simulated customers write into the demo inbox every 20–60 s until the app closes. */
  startDemoTraffic(firstDelayMs?: number): void
}

declare module 'fastify' {
  interface FastifyInstance {
    tickets: Tickets
  }
}

/** Inboxes, tickets and their messages (SPEC §4). REST under /api, live updates over Socket.IO. */
export const ticketsPlugin = fp(
  async (app) => {
    const service = createTicketService({
      db: app.database.db,
      clock: app.clock,
      log: app.log,
      // members of the space see every change live; all of them are staff, notes included
      broadcast: app.broadcast,
      events: app.events,
    })
    const holds = createHoldScheduler({
      clock: app.clock,
      log: app.log.child({ feature: 'holds' }),
      reopenEndedHolds: service.reopenEndedHolds,
    })
    app.events.on('ticket.held', ({ until }) => holds.wake(until))
    // a removed member's open tickets go back to the inbox (its admins are told from then on)
    app.events.on('member.removed', async ({ spaceId, userId }) => {
      await service.unassignRemoved(spaceId, userId)
    })
    app.timerSignals.attach('holds', holds)
    const counts = createCountsPush({
      count: (spaceId) => service.counts(spaceId),
      push: (spaceId, value) => app.broadcast.toSpace(spaceId, 'ticket:counts', { counts: value }),
      log: app.log.child({ feature: 'ticket-counts' }),
    })
    app.events.on('ticket.changed', ({ spaceId }) => counts.changed(spaceId))
    const demoTraffic = createDemoTraffic({ db: app.database.db, log: app.log, service })

    app.decorate('tickets', {
      service,
      checkHolds: service.checkHolds,
      startDemoTraffic: (firstDelayMs) => demoTraffic.start(firstDelayMs),
    } satisfies Tickets)

    await app.register(
      async (api) => {
        await api.register(inboxRoutes)
        await api.register(ticketRoutes, { service })
        await api.register(inboundRoutes, { service })
      },
      { prefix: '/api' },
    )

    // holds that ended while no server ran reopen as soon as this one is ready
    app.addHook('onReady', async () => {
      await holds.start()
    })
    // stop timers before the database closes under them
    app.addHook('preClose', async () => {
      demoTraffic.stop()
      counts.stop()
      await holds.stop()
    })
  },
  {
    name: 'tickets',
    dependencies: ['database', 'auth', 'socket-server', 'events', 'timer-signals'],
  },
)

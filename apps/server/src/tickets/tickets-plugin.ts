import fp from 'fastify-plugin'
import { spaceRoom } from '../realtime/socket-server.js'
import { createDemoTraffic } from './demo-traffic.js'
import { createHoldScheduler } from './hold-scheduler.js'
import { inboundRoutes } from './inbound-routes.js'
import { inboxRoutes } from './inbox-routes.js'
import { ticketRoutes } from './ticket-routes.js'
import { createTicketService, type TicketService } from './ticket-service.js'

export interface Tickets {
  service: TicketService
  /** Reopens the holds ended by `now`; the hold timer calls it, and so may tests. */
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
    const io = app.realtime.io
    let holdSet: (until: Date) => void = () => {}
    const service = createTicketService({
      db: app.database.db,
      clock: app.clock,
      log: app.log,
      // members of the space see every change live; all of them are staff, notes included
      broadcast(spaceId, event) {
        const room = io.to(spaceRoom(spaceId))
        if (event.kind === 'created') room.emit('ticket:created', event.ticket)
        else if (event.kind === 'updated') room.emit('ticket:updated', event.ticket)
        else room.emit('ticket:message', { ticket: event.ticket, message: event.message })
      },
      holdSet: (until) => holdSet(until),
    })
    const holds = createHoldScheduler({
      db: app.database.db,
      clock: app.clock,
      log: app.log,
      checkHolds: service.checkHolds,
    })
    holdSet = holds.holdSet
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
      await holds.stop()
    })
  },
  { name: 'tickets', dependencies: ['database', 'auth', 'socket-server'] },
)

import fp from 'fastify-plugin'
import { slaRoutes } from './sla-routes.js'
import { createSlaService, type SlaService } from './sla-service.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** SLA policies (SPEC §8.1); tickets' SLA status is kept with their due instants. */
    slaPolicies: SlaService
  }
}

/**
 * SLA policies: their REST routes and service. The SLA of each ticket is computed by the rules
 * engine where due instants are (`scheduling/due-instants.ts`), and the pre-breach warnings
 * are sent by the escalation scheduler, which wakes for every SLA transition.
 */
export const slaPlugin = fp(
  async (app) => {
    const sla = createSlaService({ db: app.database.db, clock: app.clock, events: app.events })
    app.decorate('slaPolicies', sla)
    await app.register(
      async (api) => {
        await api.register(slaRoutes, { sla })
      },
      { prefix: '/api' },
    )
  },
  { name: 'sla', dependencies: ['database', 'auth', 'events'] },
)

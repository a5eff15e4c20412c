import fp from 'fastify-plugin'
import { createEventBus, type EventBus } from './domain-events.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The domain-event bus: features publish their facts and subscribe to each other's here. */
    events: EventBus
  }
}

/** Decorates `app.events`; on close, waits for the subscribers still at work. */
export const eventsPlugin = fp(
  async (app) => {
    const bus = createEventBus(app.log.child({ feature: 'events' }))
    app.decorate('events', bus)
    app.addHook('preClose', async () => {
      await bus.settled()
    })
  },
  { name: 'events' },
)

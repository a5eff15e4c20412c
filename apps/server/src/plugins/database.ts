import fp from 'fastify-plugin'
import type { Clock } from '../auth/identity.js'
import type { Database } from '../db/database.js'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
    clock: Clock
  }
}

/**
 * Hands the app an already opened database (the caller opens it, so a start-up failure is
 * reported before anything listens) and closes it when the app closes, after in-flight work.
 */
export const databasePlugin = fp<{ database: Database; clock: Clock }>(
  async (app, { database, clock }) => {
    app.decorate('database', database)
    app.decorate('clock', clock)
    app.addHook('onClose', async () => {
      await database.close()
    })
  },
  { name: 'database' },
)

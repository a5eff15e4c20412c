import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HealthResponse, PROTOCOL_VERSION } from '@flare/protocol'
import { sql } from 'drizzle-orm'

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        response: { 200: HealthResponse },
      },
    },
    async () => {
      // a round trip proves the database answers, not just that the process is up
      await app.database.query(sql`select 1 as ok`)
      return {
        status: 'ok' as const,
        database: app.database.kind,
        protocolVersion: PROTOCOL_VERSION,
      }
    },
  )
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HealthResponse, PROTOCOL_VERSION } from '@flare/protocol'
import { sql } from 'drizzle-orm'

// a database that does not answer within this is as good as down for a health check
const DATABASE_TIMEOUT_MS = 2_000

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), DATABASE_TIMEOUT_MS)
    })
    try {
      // a round trip proves the database answers, not just that the process is up
      const answered = app.database.query(sql`select 1 as ok`).then(
        () => true,
        () => false,
      )
      return await Promise.race([answered, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Whether this process and what it depends on (database, Redis) answer',
        description:
          '200 when every dependency answers; 503 with the failing one marked `down` otherwise. ' +
          '`redis` is `off` when the server runs alone.',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      const database = (await databaseAnswers()) ? 'up' : 'down'
      const redis = app.realtime.redisState()
      const healthy = database === 'up' && redis !== 'down'
      return reply.code(healthy ? 200 : 503).send({
        status: healthy ? 'ok' : 'unavailable',
        database,
        redis,
        databaseKind: app.database.kind,
        protocolVersion: PROTOCOL_VERSION,
      })
    },
  )
}

import { fileURLToPath } from 'node:url'
import { buildApp, loadConfig, openDatabase, resolveCookieSecret, seedDemo } from '@flare/server'
import type { FastifyInstance } from 'fastify'

export const WEB_DIST = fileURLToPath(new URL('../../apps/web/dist', import.meta.url))

export interface RunningFlare {
  app: FastifyInstance
  url: string
  close(): Promise<void>
}

/**
 * A real Flare server on a free port, on a fresh embedded database with the demo seeded;
 * `env` adds configuration (e.g. `ALLOW_PRIVATE_URLS` for a local push service).
 */
export async function startFlare(env: Record<string, string> = {}): Promise<RunningFlare> {
  const config = { ...loadConfig({ LOG_LEVEL: 'warn', ...env }), webDist: WEB_DIST }
  const database = await openDatabase({ kind: 'pglite', dataDir: null })
  await seedDemo(database)
  const app = await buildApp({
    config,
    database,
    cookieSecret: await resolveCookieSecret(database, null),
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('server has no port')
  return { app, url: `http://127.0.0.1:${address.port}`, close: () => app.close() }
}

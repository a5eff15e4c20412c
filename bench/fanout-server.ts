// The Flare server of `npm run bench:fanout`: the app as `npm start` builds it (same options,
// same accept queue), except for Socket.IO's heartbeat when BENCH_PING_TIMEOUT_MS is set. With
// thousands of simulated clients sharing this machine's cores, a client process can fall
// seconds behind reading; the bare baseline gets the same heartbeat, so both are measured alike.
import { buildApp } from '../apps/server/src/app.js'
import { loadConfig } from '../apps/server/src/config.js'
import { openDatabase } from '../apps/server/src/db/database.js'
import { resolveCookieSecret } from '../apps/server/src/secrets-store.js'

const config = { ...loadConfig(process.env), webDist: null }
const database = await openDatabase(config.database)
const cookieSecret = await resolveCookieSecret(database, config.sessionSecret)
const pingTimeout = Number(process.env.BENCH_PING_TIMEOUT_MS ?? 5_000)
const app = await buildApp({
  config,
  database,
  cookieSecret,
  logger: { level: config.logLevel },
  heartbeat: { intervalMs: 10_000, timeoutMs: pingTimeout },
})
await app.listen({ host: config.host, port: config.port, backlog: 2_048 })
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})

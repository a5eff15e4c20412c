// A Flare server process for the fault suite: the app as `npm start` builds it, with the
// reconnect grace and the presence lease shortened so the suite stays bounded in time.
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { resolveCookieSecret } from '../src/secrets-store.js'

const config = { ...loadConfig(process.env), webDist: null }
const database = await openDatabase(config.database)
const cookieSecret = await resolveCookieSecret(database, config.sessionSecret)
const app = await buildApp({
  config,
  database,
  cookieSecret,
  reconnectGraceMs: Number(process.env.FAULT_GRACE_MS ?? 30_000),
  presenceLeaseMs: Number(process.env.FAULT_LEASE_MS ?? 10_000),
  raisesPerMinute: 1_000,
})
await app.listen({ host: config.host, port: config.port })
process.stdout.write(`flare-fault-server ready ${config.port}\n`)
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})

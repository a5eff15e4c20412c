// The process entry point: configuration, logging, listen, and a graceful shutdown.
// Everything else is built by buildApp, which tests use without this file.
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { formatDemoLogins, seedDemo } from './demo/seed.js'
import { resolveCookieSecret } from './secrets-store.js'

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const database = await openDatabase(config.database)
  const demo = config.demo ? await seedDemo(database) : null
  const cookieSecret = await resolveCookieSecret(database, config.sessionSecret)
  // readable logs for a person at a terminal, JSON lines for everything else
  const pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'production'
  const app = await buildApp({
    config,
    database,
    cookieSecret,
    logger: { level: config.logLevel, ...(pretty ? { transport: { target: 'pino-pretty' } } : {}) },
  })

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests')
    // a request that never finishes must not keep the process alive for ever
    const force = setTimeout(() => {
      app.log.error('shutdown took over 10 s; exiting')
      process.exit(1)
    }, 10_000)
    force.unref()
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while shutting down')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))

  // a floor logging in at 09:00 opens thousands of connections at once: Node's default accept
  // queue (511) drops the rest, whose browsers then wait seconds for the kernel to retry
  await app.listen({ host: config.host, port: config.port, backlog: 2_048 })
  if (demo) process.stdout.write(`${formatDemoLogins(demo, config.publicUrl)}\n`)
  // simulated customers for the demo inbox: `npm start -- --demo-traffic` or FLARE_DEMO_TRAFFIC=true
  if (process.argv.includes('--demo-traffic') || process.env.FLARE_DEMO_TRAFFIC === 'true') {
    app.tickets.startDemoTraffic()
  }
  if (config.webDist === null || !app.hasRoute({ method: 'GET', url: '/index.html' })) {
    app.log.warn('the web app is not built: run `npm run build:web` (npm start does this for you)')
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
  } else {
    process.stderr.write(
      `Flare failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
  }
  process.exit(1)
})

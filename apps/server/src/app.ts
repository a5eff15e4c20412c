import { existsSync } from 'node:fs'
import path from 'node:path'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { ErrorCode, PROTOCOL_VERSION, parse } from '@flare/protocol'
import type { TSchema } from '@sinclair/typebox'
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify'
import type { Clock } from './auth/identity.js'
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './auth/login-throttle.js'
import { automationPlugin } from './automation/automation-plugin.js'
import { chatPlugin } from './chat/chat-plugin.js'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { HttpError, isUnavailable, unavailable } from './errors.js'
import { eventsPlugin } from './events/events-plugin.js'
import { handsPlugin } from './hands/hands-plugin.js'
import { safeLoggerOptions } from './logging.js'
import type { RetryPolicy } from './notifications/backoff.js'
import { notificationsPlugin } from './notifications/notifications-plugin.js'
import { authPlugin } from './plugins/auth.js'
import { databasePlugin } from './plugins/database.js'
import { originCheckPlugin } from './plugins/origin-check.js'
import { docsContentSecurityPolicy, securityHeadersPlugin } from './plugins/security-headers.js'
import { isWebAppPage, sendWebApp, webAssetsPlugin } from './plugins/web-assets.js'
import { pictureRoutes } from './profile/picture-routes.js'
import {
  authorityPlugin,
  DEFAULT_REALTIME_LIMITS,
  type RealtimeLimits,
} from './realtime/authority.js'
import { connectionsPlugin } from './realtime/connections.js'
import { socketServerPlugin } from './realtime/socket-server.js'
import { streamPlugin, websocketPlugin } from './realtime/stream.js'
import { authRoutes } from './routes/auth.js'
import { healthRoutes } from './routes/health.js'
import { spaceRoutes } from './routes/spaces.js'
import { tokenRoutes } from './routes/tokens.js'
import { timerSignalsPlugin } from './scheduling/signals.js'
import { slaPlugin } from './sla/sla-plugin.js'
import { supervisorPlugin } from './supervisor/supervisor-plugin.js'
import { ticketsPlugin } from './tickets/tickets-plugin.js'

export interface AppOptions {
  config: Config
  database: Database
  cookieSecret: string
  clock?: Clock
  logger?: FastifyServerOptions['logger']
  /** Failed-login limits per account and per address (README "Limits"); changed in tests. */
  loginLimits?: Partial<LoginLimits>
  /** How long a dropped connection keeps its member's place (SPEC §2: 30 s); shorter in tests. */
  reconnectGraceMs?: number
  /** How often coalesced avatar moves go out to the space. */
  moveFlushMs?: number
  /**
   * Socket.IO's heartbeat: a ping every `intervalMs`, a connection closed when its pong is
   * `timeoutMs` late (default 10 s and 5 s, so a vanished client is noticed within 15 s).
   * Longer only in `bench:fanout` with thousands of simulated clients sharing a few cores.
   */
  heartbeat?: { intervalMs: number; timeoutMs: number }
  /** With Redis: how long a dead process's connections still count before its members' grace starts. */
  presenceLeaseMs?: number
  /** Manual escalations one member may raise per minute. */
  raisesPerMinute?: number
  /** Per-member limits on chat and connections (README "Limits"); changed in tests. */
  realtimeLimits?: Partial<RealtimeLimits>
  /** Run the escalation scheduler's timer; default: only with the real clock (tests call `app.scheduler.runDue`). */
  scheduler?: boolean
  /**
   * Notification delivery: `worker` runs the outbox worker's timer (default: only with the real
   * clock; tests call `app.notifications.runDue`), the rest tunes retries for tests.
   */
  notifications?: {
    worker?: boolean
    policy?: RetryPolicy
    random?: () => number
    sendTimeoutMs?: number
    leaseMs?: number
  }
}

/** Fastify's trust function for "the first `hops` proxies in front of us" (`TRUST_PROXY=2`). */
function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops
}

/**
 * Builds the whole Flare app without listening, so tests can `inject` requests or listen on a
 * port of their own. The caller owns the database's opening; the app closes it.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options
  const app = Fastify({
    // a first start runs migrations (and PGlite's initdb), which on a loaded 2-core machine can
    // take longer than Fastify's 10 s default for one plugin to start
    pluginTimeout: 120_000,
    logger: loggerFor(options.logger ?? { level: config.logLevel }),
    // generous for the API, tight enough that a runaway client cannot exhaust memory
    bodyLimit: 256 * 1024,
    forceCloseConnections: 'idle',
    // behind a reverse proxy, the client address (the login limit's key) comes from
    // X-Forwarded-For, believed only from the proxies TRUST_PROXY names
    trustProxy:
      typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    // response schemas that share a Text() field with requests (a calendar's timezone) reach the
    // serializer's Ajv, which must know the protocol's `text` format rather than warn about it
    serializerOpts: { ajv: { formats: { text: true } } },
  })

  // every schema is a TypeBox schema from @flare/protocol, checked by the same code that checks
  // socket payloads, so REST and realtime refuse bad input with the same words
  app.setValidatorCompiler(({ schema }) => (data) => {
    const result = parse(schema as TSchema, data)
    return result.ok ? { value: result.value } : { error: new HttpError(400, result.error) }
  })

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      // a limit says when to come back, in the header HTTP clients and proxies understand too
      if (error.body.retryAfterMs !== undefined) {
        reply.header('retry-after', String(Math.ceil(error.body.retryAfterMs / 1000)))
      }
      return reply.code(error.statusCode).send({ error: error.body })
    }
    if (isUnavailable(error)) {
      const answer = unavailable()
      request.log.warn({ err: error }, 'a dependency is unavailable')
      return reply.code(answer.statusCode).send({ error: answer.body })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: { code: ErrorCode.VALIDATION, message: error.message } })
    }
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send({
      error: {
        code: ErrorCode.INTERNAL,
        message: 'Something went wrong on our side. It has been logged.',
      },
    })
  })

  await app.register(securityHeadersPlugin, { publicUrl: config.publicUrl })
  await app.register(databasePlugin, { database, clock: options.clock ?? (() => new Date()) })
  await app.register(authPlugin, {
    cookieSecret: options.cookieSecret,
    secureCookies: config.publicUrl.startsWith('https:'),
  })
  // before every route: a foreign Origin is refused before anything else is looked at
  await app.register(originCheckPlugin, {
    publicUrl: config.publicUrl,
    allowedOrigins: config.allowedOrigins,
  })
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Flare API',
        version: String(PROTOCOL_VERSION),
        description:
          'REST API of Flare. Authenticate with the session cookie from POST /api/auth/login, or with ' +
          '`Authorization: Bearer <token>` using a personal API token. Errors are `{error: {code, message, field?}}`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'flare_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  })
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    transformStaticCSP: docsContentSecurityPolicy,
  })

  await app.register(
    async (api) => {
      await api.register(healthRoutes)
      await api.register(authRoutes, {
        sessionTtlMs: config.sessionTtlMs,
        loginLimits: { ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits },
      })
      await api.register(tokenRoutes)
      await api.register(spaceRoutes)
    },
    { prefix: '/api' },
  )

  await app.register(eventsPlugin)
  await app.register(timerSignalsPlugin)
  // before Socket.IO attaches: the two share the server's upgrade requests (see stream.ts)
  await app.register(websocketPlugin)
  await app.register(socketServerPlugin, {
    redisUrl: config.redisUrl,
    reconnectGraceMs: options.reconnectGraceMs ?? 30_000,
    moveFlushMs: options.moveFlushMs ?? 100,
    presenceLeaseMs: options.presenceLeaseMs ?? 10_000,
    heartbeat: options.heartbeat ?? { intervalMs: 10_000, timeoutMs: 5_000 },
  })
  await app.register(authorityPlugin, {
    limits: { ...DEFAULT_REALTIME_LIMITS, ...options.realtimeLimits },
  })
  // features: each registers its own REST routes (under /api) and socket handlers
  await app.register(handsPlugin, {
    reconnectGraceMs: options.reconnectGraceMs ?? 30_000,
    raisesPerMinute: options.raisesPerMinute ?? 10,
  })
  await app.register(streamPlugin)
  await app.register(chatPlugin)
  await app.register(ticketsPlugin)
  await app.register(pictureRoutes, { prefix: '/api' })
  await app.register(automationPlugin, {
    scheduler: options.scheduler ?? options.clock === undefined,
    linkSecret: options.cookieSecret,
    publicUrl: config.publicUrl,
  })
  await app.register(slaPlugin)
  await app.register(notificationsPlugin, {
    settings: {
      publicUrl: config.publicUrl,
      mailFrom: config.mailFrom,
      smtpUrl: config.smtpUrl,
      sms: config.sms,
      allowPrivateUrls: config.allowPrivateUrls,
      ackLink: (outboxId, escalatedAt) => app.acknowledgements.links.link(outboxId, escalatedAt),
    },
    ...options.notifications,
    worker: options.notifications?.worker ?? options.clock === undefined,
  })
  await app.register(supervisorPlugin, { publicUrl: config.publicUrl })
  // every connection's handlers, registered once the features they call exist
  await app.register(connectionsPlugin)

  const webDist = config.webDist
  const serveWeb = webDist !== null && existsSync(path.join(webDist, 'index.html'))
  if (serveWeb) await app.register(webAssetsPlugin, { root: webDist })
  app.setNotFoundHandler((request, reply) => {
    // the web app routes on the client: every other page is its index.html
    if (serveWeb && isWebAppPage(request)) return sendWebApp(reply)
    return reply.code(404).send({
      error: {
        code: ErrorCode.NOT_FOUND,
        message: `No route for ${request.method} ${request.url.split('?')[0]}`,
      },
    })
  })

  return app
}

/** Every logger the app gets keeps secrets and customer text out of its lines (see logging.ts). */
function loggerFor(logger: NonNullable<AppOptions['logger']>): FastifyServerOptions['logger'] {
  if (logger === false) return false
  return safeLoggerOptions(logger === true ? {} : logger)
}

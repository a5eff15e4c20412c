import path from 'node:path'
import type { DatabaseTarget } from './db/database.js'

export interface Config {
  host: string
  port: number
  /** The address people reach Flare at; links in notifications use it, https makes cookies Secure. */
  publicUrl: string
  /**
   * Origins besides the request's own and `PUBLIC_URL`'s that may send cookie-authenticated
   * changes and open WebSockets (`ALLOWED_ORIGINS`, comma-separated).
   */
  allowedOrigins: string[]
  database: DatabaseTarget
  redisUrl: string | null
  smtpUrl: string | null
  /** Signs the session cookie; when absent one is generated once and kept in the database. */
  sessionSecret: string | null
  sessionTtlMs: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Seed the demo space into an empty database on start. */
  demo: boolean
  /** The built web app to serve, or null to serve the API alone (tests, `npm run dev`). */
  webDist: string | null
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

function isUrl(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol)
  } catch {
    return false
  }
}

/**
 * Reads the configuration from environment variables and checks all of it at once, so that a
 * bad start names every problem rather than the first.
 *
 * @example
 * const config = loadConfig(process.env)
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const problems: string[] = []
  const str = (name: string): string | null => {
    const v = env[name]?.trim()
    return v ? v : null
  }

  const portText = str('PORT') ?? '3000'
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${portText}")`)
  }
  const host = str('HOST') ?? 'localhost'

  const configuredUrl = str('PUBLIC_URL')
  const publicUrl = (configuredUrl ?? `http://localhost:${portText}`).replace(/\/+$/, '')
  // a bad PORT is reported once, not again through the address derived from it
  if (configuredUrl && !isUrl(publicUrl, ['http:', 'https:'])) {
    problems.push(
      `PUBLIC_URL must be an http(s) URL such as https://flare.example.com (got "${publicUrl}")`,
    )
  }

  const allowedOrigins: string[] = []
  for (const entry of (str('ALLOWED_ORIGINS') ?? '').split(',')) {
    const text = entry.trim().replace(/\/+$/, '')
    if (text === '') continue
    const url = isUrl(text, ['http:', 'https:']) ? new URL(text) : null
    const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username
    const origin = bare ? url.origin : null
    if (origin === null) {
      problems.push(
        `ALLOWED_ORIGINS must be comma-separated origins such as https://wall.example.com (scheme, host and port only; got "${text}")`,
      )
    } else allowedOrigins.push(origin)
  }

  const databaseUrl = str('DATABASE_URL')
  if (databaseUrl && !isUrl(databaseUrl, ['postgres:', 'postgresql:'])) {
    problems.push(
      'DATABASE_URL must be a postgres:// URL, or be unset to use the embedded database',
    )
  }
  const dataDir = path.resolve(cwd, str('DATA_DIR') ?? 'data')
  const database: DatabaseTarget = databaseUrl
    ? { kind: 'postgres', url: databaseUrl }
    : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') }

  const redisUrl = str('REDIS_URL')
  if (redisUrl && !isUrl(redisUrl, ['redis:', 'rediss:'])) {
    problems.push(`REDIS_URL must be a redis:// URL (got "${redisUrl}")`)
  }
  const smtpUrl = str('SMTP_URL')
  if (smtpUrl && !isUrl(smtpUrl, ['smtp:', 'smtps:'])) {
    problems.push(`SMTP_URL must be an smtp:// or smtps:// URL (got "${smtpUrl}")`)
  }

  const sessionSecret = str('SESSION_SECRET')
  if (sessionSecret && sessionSecret.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters long')
  }

  const ttlText = str('SESSION_TTL_HOURS') ?? '336'
  const ttlHours = Number(ttlText)
  if (!Number.isFinite(ttlHours) || ttlHours <= 0) {
    problems.push(`SESSION_TTL_HOURS must be a positive number (got "${ttlText}")`)
  }

  const logLevel = (str('LOG_LEVEL') ?? 'info') as Config['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`)
  }

  const demoText = (str('FLARE_DEMO') ?? 'true').toLowerCase()
  if (!['true', 'false', '1', '0'].includes(demoText)) {
    problems.push(`FLARE_DEMO must be true or false (got "${demoText}")`)
  }

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    host,
    port,
    publicUrl,
    allowedOrigins,
    database,
    redisUrl,
    smtpUrl,
    sessionSecret,
    sessionTtlMs: ttlHours * 3_600_000,
    logLevel,
    demo: demoText === 'true' || demoText === '1',
    webDist: path.resolve(cwd, str('WEB_DIST') ?? 'apps/web/dist'),
  }
}

import { isIP } from 'node:net'
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
  /** Email goes out through this SMTP server; null = the built-in sink captures it (the demo). */
  smtpUrl: string | null
  /** The From of every email: an address, or `Name <address>`. */
  mailFrom: string
  /** A Twilio-compatible Messages API; null = the built-in sink captures SMS (the demo). */
  sms: { apiUrl: string; accountSid: string; authToken: string } | null
  /**
   * Let Slack, webhook, SMS API and push URLs resolve to loopback or private addresses (local
   * setups, tests). Off, a space admin cannot aim Flare at internal services.
   */
  allowPrivateUrls: boolean
  /** Signs the session cookie; when absent one is generated once and kept in the database. */
  sessionSecret: string | null
  sessionTtlMs: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Seed the demo space into an empty database on start. */
  demo: boolean
  /** The built web app to serve, or null to serve the API alone (tests, `npm run dev`). */
  webDist: string | null
  /**
   * Which reverse proxies' `X-Forwarded-For` to believe for the client address (`TRUST_PROXY`):
   * false (default: the socket's peer is the client), a number of hops, or addresses and CIDR
   * ranges (`loopback`, `linklocal`, `uniquelocal` too). The login limit counts per address.
   */
  trustProxy: false | number | string[]
}

const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal']

/** `TRUST_PROXY`: unset/false, a hop count, or comma-separated addresses and CIDR ranges. */
function parseTrustProxy(text: string | undefined): false | number | string[] | Error {
  if (text === undefined || ['', 'false', '0'].includes(text.toLowerCase())) return false
  if (/^[1-9][0-9]?$/.test(text)) return Number(text)
  const entries = text.split(',').map((entry) => entry.trim())
  const bad = entries.find((entry) => {
    if (PROXY_KEYWORDS.includes(entry)) return false
    const [address, bits, extra] = entry.split('/')
    const family = isIP(address ?? '')
    if (family === 0 || extra !== undefined) return true
    if (bits === undefined) return false
    const max = family === 4 ? 32 : 128
    return !/^[0-9]{1,3}$/.test(bits) || Number(bits) > max
  })
  if (bad !== undefined) {
    return new Error(
      `TRUST_PROXY must be false, a number of proxies (1-99), or comma-separated addresses or CIDR ranges such as 10.0.0.0/8 (got "${bad}")`,
    )
  }
  return entries
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

// `Name <address>` or a bare address; deliberately plain: the SMTP server has the last word
const MAIL_FROM = /^(?:[^<>\r\n]+<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

function isUrl(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol)
  } catch {
    return false
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'localhost'
  } catch {
    return 'localhost'
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

  const mailFrom = str('MAIL_FROM') ?? `Flare <flare@${hostOf(publicUrl)}>`
  if (!MAIL_FROM.test(mailFrom)) {
    problems.push(
      `MAIL_FROM must be an address or "Name <address>", e.g. Flare <alerts@example.com> (got "${mailFrom}")`,
    )
  }
  const smsApiUrl = str('SMS_API_URL')?.replace(/\/+$/, '') ?? null
  const smsAccountSid = str('SMS_ACCOUNT_SID')
  const smsAuthToken = str('SMS_AUTH_TOKEN')
  if (smsApiUrl && !isUrl(smsApiUrl, ['http:', 'https:'])) {
    problems.push(
      `SMS_API_URL must be an http(s) URL such as https://api.twilio.com (got "${smsApiUrl}")`,
    )
  }
  if (smsApiUrl && (!smsAccountSid || !smsAuthToken)) {
    problems.push('SMS_API_URL needs SMS_ACCOUNT_SID and SMS_AUTH_TOKEN as well')
  }
  const allowPrivateText = (str('ALLOW_PRIVATE_URLS') ?? 'false').toLowerCase()
  if (!['true', 'false', '1', '0'].includes(allowPrivateText)) {
    problems.push(`ALLOW_PRIVATE_URLS must be true or false (got "${allowPrivateText}")`)
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

  const trustProxy = parseTrustProxy(str('TRUST_PROXY') ?? undefined)
  if (trustProxy instanceof Error) problems.push(trustProxy.message)

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    host,
    port,
    publicUrl,
    allowedOrigins,
    database,
    redisUrl,
    smtpUrl,
    mailFrom,
    sms:
      smsApiUrl && smsAccountSid && smsAuthToken
        ? { apiUrl: smsApiUrl, accountSid: smsAccountSid, authToken: smsAuthToken }
        : null,
    allowPrivateUrls: allowPrivateText === 'true' || allowPrivateText === '1',
    sessionSecret,
    sessionTtlMs: ttlHours * 3_600_000,
    logLevel,
    demo: demoText === 'true' || demoText === '1',
    webDist: path.resolve(cwd, str('WEB_DIST') ?? 'apps/web/dist'),
    trustProxy: trustProxy instanceof Error ? false : trustProxy,
  }
}

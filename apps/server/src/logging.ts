import { DrizzleQueryError } from 'drizzle-orm'
import type { FastifyRequest, FastifyServerOptions } from 'fastify'

/**
 * What an error becomes in a log line: enough to find the bug (kind, code, where it was
 * thrown), never the data it was working on.
 */
export type LoggedError = {
  type: string
  message: string
  code?: string
  statusCode?: number
  /** A database error's metadata: names of the schema objects involved, never row values. */
  database?: Record<string, string>
  stack: string
  cause?: LoggedError
}

// PostgreSQL's error fields that name schema objects (postgres.js spells them with `_name`,
// PGlite as the wire protocol does); `detail`, `where` and the query's parameters hold row
// values and customer text and are never logged
const DATABASE_FIELDS: Record<string, string> = {
  severity: 'severity',
  table_name: 'table',
  table: 'table',
  column_name: 'column',
  column: 'column',
  constraint_name: 'constraint',
  constraint: 'constraint',
  routine: 'routine',
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** A PostgreSQL error from postgres.js or PGlite: a five-character SQLSTATE and a severity. */
function isDatabaseError(error: Record<string, unknown>): boolean {
  return (
    typeof error.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(error.code) &&
    typeof error.severity === 'string'
  )
}

/**
 * PostgreSQL quotes the offending value in data errors (`invalid input syntax for type uuid:
 * "…"`) and whatever a raised exception chose to say; integrity (23) and schema (42) errors
 * quote only names, which are worth keeping.
 */
function databaseMessage(code: string, message: string): string {
  if (code.startsWith('23') || code.startsWith('42')) return message
  return message.replace(/"[^"]*"/g, '"…"')
}

/** The stack's frames under a header we wrote: the original header repeats the raw message. */
function framesOf(stack: unknown, header: string): string {
  const lines = typeof stack === 'string' ? stack.split('\n') : []
  const frames = lines.filter((line) => /^\s+at /.test(line))
  return [header, ...frames].join('\n')
}

/**
 * The `err` serializer of every log line. A failed query is logged as its SQLSTATE and a
 * message without its SQL or parameters (drizzle puts both in its error's message; they carry
 * token hashes and customer text).
 *
 * @example
 * serializeError(new DrizzleQueryError('select … where token_hash = $1', ['9f86…'], pgError))
 * // { type: 'DrizzleQueryError', message: 'database query failed', cause: { code: '42P01', … } }
 */
export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!isRecord(error)) {
    const message = 'a non-error value was thrown'
    return { type: typeof error, message, stack: message }
  }
  const type =
    typeof error.name === 'string' && error.name !== 'Error'
      ? error.name
      : (error.constructor?.name ?? 'Error')
  const cause =
    depth < 5 && error.cause !== undefined ? serializeError(error.cause, depth + 1) : undefined

  if (error instanceof DrizzleQueryError) {
    const message = 'database query failed'
    return {
      type: 'DrizzleQueryError',
      message,
      stack: framesOf(error.stack, `DrizzleQueryError: ${message}`),
      ...(cause ? { cause } : {}),
    }
  }

  if (isDatabaseError(error)) {
    const code = String(error.code)
    const message = databaseMessage(code, typeof error.message === 'string' ? error.message : '')
    const database: Record<string, string> = {}
    for (const [field, name] of Object.entries(DATABASE_FIELDS)) {
      const value = error[field]
      if (typeof value === 'string' && value !== '') database[name] = value
    }
    return {
      type: 'DatabaseError',
      message,
      code,
      database,
      stack: framesOf(error.stack, `DatabaseError ${code}: ${message}`),
      ...(cause ? { cause } : {}),
    }
  }

  const message = typeof error.message === 'string' ? error.message : ''
  return {
    type,
    message,
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.statusCode === 'number' ? { statusCode: error.statusCode } : {}),
    stack: framesOf(error.stack, `${type}: ${message}`),
    ...(cause ? { cause } : {}),
  }
}

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>

/**
 * A request's path as logged: an "I'm on it" link's token is a credential for a day (it takes
 * the escalation in its recipient's name), so `/ack/<token>` is logged without it.
 *
 * @example
 * loggedUrl('/ack/abc.def?x=1') // '/ack/[redacted]?x=1'
 */
export function loggedUrl(url: string): string {
  return url.replace(/^\/ack\/(?!page\.css(?:[?#]|$))[^/?#]+/, '/ack/[redacted]')
}

/** What a request line says of its request: Fastify's own fields, the path through `loggedUrl`. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}

/**
 * The app's logger options with what keeps secrets out of every line: errors through
 * `serializeError`, request paths through `loggedUrl`, and the credential headers censored
 * wherever a request or reply is logged with its headers.
 */
export function safeLoggerOptions(options: LoggerOptions): LoggerOptions {
  return {
    ...options,
    serializers: { ...options.serializers, err: serializeError, req: serializeRequest },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-flare-inbox-secret"]',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
      ],
      censor: '[redacted]',
    },
  }
}

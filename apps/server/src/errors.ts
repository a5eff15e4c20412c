import { type ApiError, ErrorCode } from '@flare/protocol'

/** An error that knows its HTTP status and its `{code, message, field?}` body. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: ApiError,
  ) {
    super(body.message)
    this.name = 'HttpError'
  }
}

export function badRequest(message: string, field?: string): HttpError {
  return new HttpError(400, { code: ErrorCode.VALIDATION, message, ...(field ? { field } : {}) })
}

export function unauthenticated(message = 'Log in or send a valid API token.'): HttpError {
  return new HttpError(401, { code: ErrorCode.UNAUTHENTICATED, message })
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, { code: ErrorCode.FORBIDDEN, message })
}

export function notFound(message: string): HttpError {
  return new HttpError(404, { code: ErrorCode.NOT_FOUND, message })
}

/** The request is well formed but clashes with what is stored: 409 `CONFLICT`. */
export function conflict(message: string): HttpError {
  return new HttpError(409, { code: ErrorCode.CONFLICT, message })
}

export function unavailable(
  message = 'The database is not answering right now. Try again in a moment.',
): HttpError {
  return new HttpError(503, { code: ErrorCode.UNAVAILABLE, message })
}

// postgres.js connection failures, and PostgreSQL's own "shutting down / not ready / connection" states
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
])

/**
 * Whether an error means the database (or another dependency) cannot be reached, rather than
 * that the request was wrong: such failures answer `UNAVAILABLE` and are retried by clients.
 * Looks through wrappers (drizzle's query error keeps the driver's as `cause`).
 */
export function isUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth += 1) {
    const code = 'code' in e ? e.code : undefined
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) {
      return true
    }
    if (e instanceof AggregateError && e.errors.some(isUnavailable)) return true
    e = e.cause
  }
  return false
}

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

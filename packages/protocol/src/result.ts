import { type Static, Type } from '@sinclair/typebox'
import { literals } from './literals.js'

/**
 * The error codes every client can rely on. REST answers `{error: {code, message, field?}}`;
 * Socket.IO acknowledgements answer `{ok: false, error: {code, message, field?}}`.
 */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  FORBIDDEN: 'FORBIDDEN',
  /**
   * A cookie-authenticated change or a WebSocket handshake sent from a page of another origin
   * (not the server's own, `PUBLIC_URL`'s or one in `ALLOWED_ORIGINS`): 403.
   */
  BAD_ORIGIN: 'BAD_ORIGIN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  MESSAGE_TOO_LONG: 'MESSAGE_TOO_LONG',
  /** Approach is not available while the responder is inside a meeting room. */
  IN_MEETING_ROOM: 'IN_MEETING_ROOM',
  /** A dependency (the database) is not answering right now: try again in a moment. */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]
export const ErrorCodeSchema = literals(Object.values(ErrorCode))

export const ApiError = Type.Object({
  code: ErrorCodeSchema,
  message: Type.String(),
  /** The offending input field, dotted (`recipients.userIds.0`), when one is to blame. */
  field: Type.Optional(Type.String()),
  /** With `RATE_LIMITED`: how long to wait before trying again, in milliseconds. */
  retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
})
export type ApiError = Static<typeof ApiError>

/** The body of every REST error response. */
export const ApiErrorBody = Type.Object({ error: ApiError }, { $id: 'ApiErrorBody' })
export type ErrorBody = Static<typeof ApiErrorBody>

/** A Socket.IO acknowledgement: `{ok: true, ...payload}` or `{ok: false, error}`. */
export type Result<T extends object = Record<never, never>> =
  | ({ ok: true } & T)
  | { ok: false; error: ApiError }

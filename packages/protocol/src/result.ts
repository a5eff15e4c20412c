import { type Static, Type } from '@sinclair/typebox'
import { ErrorCode } from './error-codes.js'
import { literals } from './literals.js'

export { ErrorCode } from './error-codes.js'
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

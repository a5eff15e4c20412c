// The error codes, free of TypeBox so the browser can load them (see `client.ts`).

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
  /**
   * Inside a meeting room: Approach is not available there, and a hand cannot be raised there
   * (entering a room ends one).
   */
  IN_MEETING_ROOM: 'IN_MEETING_ROOM',
  /** A dependency (the database) is not answering right now: try again in a moment. */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/**
 * Whether a Socket.IO `connect_error`'s `data` is the server's refusal (`ConnectErrorData`:
 * `{code, message}`). The same check as `parse(ConnectErrorData, …)`, without the schema
 * compiler, so the browser's initial bundle can run it.
 *
 * @example
 * isConnectRefusal({ code: 'NOT_FOUND', message: 'No such space.' }) // true
 */
export function isConnectRefusal(value: unknown): value is { code: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    typeof value.code === 'string' &&
    'message' in value &&
    typeof value.message === 'string'
  )
}

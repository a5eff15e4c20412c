import { type ApiError, ErrorCode, parse, type Result } from '@flare/protocol'
import type { Static, TSchema } from '@sinclair/typebox'
import type { FastifyBaseLogger } from 'fastify'
import { HttpError, isUnavailable, unavailable } from '../errors.js'

type Reply = (result: Result<object>) => void

/**
 * Wraps a socket event handler: validates the payload with its shared schema, always answers
 * the acknowledgement (`{ok: true, ...}` or `{ok: false, error}`) and never lets an error
 * escape into Socket.IO. A client may send the ack as the only argument of an event that
 * carries nothing.
 */
export function handleWithAck<S extends TSchema, R extends object>(
  log: FastifyBaseLogger,
  schema: S,
  run: (payload: Static<S>) => Promise<Result<R>> | Result<R>,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const [first, second] = args
    const ack = typeof second === 'function' ? second : typeof first === 'function' ? first : null
    const reply: Reply = ack ? (result) => (ack as Reply)(result) : () => {}
    const payload = typeof first === 'function' ? {} : first
    const parsed = parse(schema, payload)
    if (!parsed.ok) return reply({ ok: false, error: parsed.error })
    try {
      reply(await run(parsed.value))
    } catch (error) {
      if (error instanceof HttpError) return reply({ ok: false, error: error.body })
      if (isUnavailable(error)) return reply({ ok: false, error: unavailable().body })
      log.error({ err: error }, 'socket handler failed')
      reply({
        ok: false,
        error: { code: ErrorCode.INTERNAL, message: 'Something went wrong on our side.' },
      })
    }
  }
}

export function refused(code: ApiError['code'], message: string, field?: string): Result<never> {
  return { ok: false, error: { code, message, ...(field ? { field } : {}) } }
}
